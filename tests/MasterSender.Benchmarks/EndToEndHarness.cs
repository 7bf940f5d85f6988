using System.Diagnostics;
using MasterSender.Broadcast;
using MasterSender.Core.Protocol;
using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using MasterSender.SandboxApi;
using MasterSender.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks;

/// <summary>
/// The whole product path: simulator → real relay (as `run` composes it: ingress, book, SQLite outbox, signed
/// delivery) → sandbox API on loopback that verifies every signature. Times a trade change until the API has it.
/// </summary>
internal static class EndToEndHarness
{
    public static double BurstMs { get; private set; }

    public static double IdleWorkingSetMb { get; private set; }

    public static async Task<List<double>> TradeToApiAsync(int samples)
    {
        var folder = Directory.CreateTempSubdirectory("ms-e2e-").FullName;
        var sandboxBuilder = WebApplication.CreateSlimBuilder();
        sandboxBuilder.Logging.ClearProviders();
        sandboxBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var sandbox = sandboxBuilder.Build();
        var api = new SandboxApiState { Username = "bench", Password = "bench", AllowedMt5Id = Fixtures.Login };
        sandbox.MapSandboxApi(api);
        await sandbox.StartAsync();

        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = "0";
            configuration["Storage:Path"] = folder;
            configuration["Api:Url"] = sandbox.Urls.First();
            configuration["Api:Username"] = "bench";
            configuration["Api:Password"] = "bench";
            configuration["Serilog:MinimumLevel"] = "Warning";
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var relay = RelayApp.Build(builder);
        await relay.StartAsync();
        var session = relay.Services.GetRequiredService<ApiSession>();
        while (session.Current is null)
        {
            await Task.Delay(20);
        }

        using var received = new SemaphoreSlim(0);
        long arrivedAt = 0;
        api.SignalReceived += _ =>
        {
            Interlocked.Exchange(ref arrivedAt, Stopwatch.GetTimestamp());
            received.Release();
        };
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(Fixtures.Login), $"tcp://127.0.0.1:{relay.Services.GetRequiredService<IngressService>().Port}", new SimulatorSettings { AutoHeartbeat = true });
        await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        await received.WaitAsync(TimeSpan.FromSeconds(10));

        var latencies = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            terminal.Modify(ticket, i % 2 == 0 ? 1.07 : 1.075, 0);
            if (!await received.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"signal {i} did not reach the API");
            }

            latencies.Add(Stopwatch.GetElapsedTime(started, Interlocked.Read(ref arrivedAt)).TotalMilliseconds);
        }

        // A basket/grid: 500 positions opened at once, until the API has all of them.
        var burstStart = Stopwatch.GetTimestamp();
        var before = api.ReceivedCount;
        for (var i = 0; i < 500; i++)
        {
            terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5));
        }

        while (api.ReceivedCount < before + 500)
        {
            if (Stopwatch.GetElapsedTime(burstStart) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the burst did not reach the API");
            }

            await received.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        BurstMs = Stopwatch.GetElapsedTime(burstStart).TotalMilliseconds;

        // Idle working set of this process (relay + sandbox + simulator in one process, so an upper bound).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(TimeSpan.FromSeconds(2));
        IdleWorkingSetMb = Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0;
        await relay.StopAsync();
        return latencies;
    }
}
