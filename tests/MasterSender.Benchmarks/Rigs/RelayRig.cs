using System.Diagnostics;
using MasterSender.Broadcast;
using MasterSender.Core.Protocol;
using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using MasterSender.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>How a <see cref="RelayRig"/> is set up.</summary>
internal sealed record RelayRigOptions
{
    /// <summary>Positions open in the terminal before the EA connects: the relay adopts them as its baseline, so
    /// they cost no signals and a scenario starts with a full book at once.</summary>
    public int OpenPositions { get; init; }

    /// <summary>Delay the sandbox adds before each broadcast answer (a distant API).</summary>
    public TimeSpan ApiDelay { get; init; }

    /// <summary>Signals:MaxParallelDeliveries; null keeps the relay's default.</summary>
    public int? MaxParallelDeliveries { get; init; }
}

/// <summary>
/// The relay inside the bench's process, composed exactly as `run` composes it (ingress, book, SQLite outbox, signed
/// delivery), between the terminal simulator and the sandbox API, both in the bench's process too. For the scenarios
/// that drive the sandbox's faults while they run (the distant API, the outage) and judge the relay's behaviour, not
/// its CPU or a sub-millisecond latency; those run on an <see cref="ApartRig"/>. Each scenario gets a fresh rig.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private readonly SandboxHost _sandbox;
    private readonly WebApplication _relay;
    private readonly string _folder;

    private RelayRig(SandboxHost sandbox, WebApplication relay, string folder, TerminalSimulator simulator, IReadOnlyList<long> tickets)
    {
        _sandbox = sandbox;
        _relay = relay;
        _folder = folder;
        Terminal = simulator;
        Tickets = tickets;
        Arrivals = ArrivalRecorder.Of(sandbox.State);
    }

    public TerminalSimulator Terminal { get; }

    /// <summary>The positions opened before connecting (<see cref="RelayRigOptions.OpenPositions"/>).</summary>
    public IReadOnlyList<long> Tickets { get; }

    public ArrivalRecorder Arrivals { get; }

    /// <summary>The sandbox API's state: faults to inject, what it received.</summary>
    public MasterSender.SandboxApi.SandboxApiState Api => _sandbox.State;

    /// <summary>The relay's signals by state, and how many it produced since start.</summary>
    public Task<RelaySignalCounts> SignalCountsAsync()
    {
        var services = _relay.Services;
        var outbox = services.GetRequiredService<MasterSender.Outbox.SqliteOutbox>().Counts();
        return Task.FromResult(new RelaySignalCounts(services.GetRequiredService<MasterSender.Ingress.IngressMetrics>().SignalsProduced, outbox.Sent, outbox.Pending, outbox.Expired, outbox.Superseded + outbox.Replaced));
    }

    public static async Task<RelayRig> StartAsync(RelayRigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sandbox = await SandboxHost.StartAsync(options.ApiDelay);
        var terminal = SimulatedTerminal.Demo(Fixtures.Login);
        var tickets = Enumerable.Range(0, options.OpenPositions)
            .Select(i => terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5)).Ticket)
            .ToList();
        var folder = Directory.CreateTempSubdirectory("ms-bench-").FullName;
        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = "0";
            configuration["Storage:Path"] = folder;
            configuration["Api:Url"] = sandbox.Url;
            configuration["Api:Username"] = SandboxHost.User;
            configuration["Api:Password"] = SandboxHost.Password;
            // One line per sent signal on the console would drown the results; the relay's file log stays.
            configuration["Logs:Console"] = "false";
            if (options.MaxParallelDeliveries is { } parallel)
            {
                configuration["Signals:MaxParallelDeliveries"] = parallel.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        var relay = RelayApp.Build(builder);
        await relay.StartAsync();

        // The ingress refuses the EA until the relay knows which account the API allows.
        var session = relay.Services.GetRequiredService<ApiSession>();
        await Until(() => session.Current is not null, "the relay logging in to the sandbox API");

        var ingress = relay.Services.GetRequiredService<IngressService>();
        var simulator = new TerminalSimulator(terminal, $"tcp://127.0.0.1:{ingress.Port}", new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await simulator.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!welcome.Accepted)
        {
            simulator.Dispose();
            throw new InvalidOperationException("The relay refused the simulator: " + welcome.Message);
        }

        // The connect snapshot becomes the baseline; changes made before it is applied would be adopted silently.
        await Until(() => ingress.Book(Fixtures.Login).HasBaseline, "the relay adopting the terminal's snapshot");
        return new RelayRig(sandbox, relay, folder, simulator, tickets);
    }

    public async ValueTask DisposeAsync()
    {
        Arrivals.Dispose();
        Terminal.Dispose();
        await _relay.StopAsync();
        await _relay.DisposeAsync();
        await _sandbox.DisposeAsync();
        TempFolder.TryDelete(_folder);
    }

    /// <summary>Polls a condition with a deadline: for set-up steps that raise no event the bench can await.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }
}
