using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using MasterSender.Ingress;
using MasterSender.Simulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks;

/// <summary>
/// The real ingress and book over real loopback sockets, driven by the terminal simulator: the time from a frame
/// leaving the simulator to its signal being produced, and the sustained message rate.
/// </summary>
internal static class IngressLatencyHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        using var journal = new TimingJournal();
        using var host = await StartRelayAsync(journal);
        var ingress = host.Services.GetRequiredService<IngressService>();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(Fixtures.Login), $"tcp://127.0.0.1:{ingress.Port}", new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!welcome.Accepted)
        {
            Console.Error.WriteLine("Refused: " + welcome.Message);
            return 1;
        }

        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        await journal.WaitForAsync(1);

        // 1. One change at a time: frame leaves the simulator → signal committed by the pipeline.
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var expected = journal.Count + 1;
            var started = Stopwatch.GetTimestamp();
            terminal.Modify(ticket, sl: i % 2 == 0 ? 1.07 : 1.075, tp: 0);
            await journal.WaitForAsync(expected);
            latencies.Add(Stopwatch.GetElapsedTime(started, journal.LastCommitTimestamp).TotalMilliseconds);
        }

        Console.WriteLine(Percentiles.Describe("trade change -> signal built (ingress + book)", latencies));
        var toApi = await EndToEndHarness.TradeToApiAsync(Math.Min(samples, 2_000));
        Console.WriteLine(Percentiles.Describe("trade change -> received by loopback API (whole relay)", toApi));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"burst of 500 opens -> all received by the API",-48} {EndToEndHarness.BurstMs:0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"working set after the run, idle (relay+API+sim)",-48} {EndToEndHarness.IdleWorkingSetMb:0} MB"));
        var floor = Baselines.NetMqHop(samples);
        Console.WriteLine(Percentiles.Describe("floor: bare NetMQ DEALER -> ROUTER frame", floor));
        var seed = await Baselines.SeedPollerAsync(Math.Min(samples, 400));
        Console.WriteLine(Percentiles.Describe("seed design: 50 ms poller, change -> detected", seed));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median ratios: seed poller / ours = {Median(seed) / Median(latencies):0.0}x; ours / NetMQ floor = {Median(latencies) / Median(floor):0.0}x"));

        // 2. Sustained rate: a stream of state messages, each a real change (a trailing SL), as fast as the EA can send.
        const int stream = 50_000;
        var before = journal.Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < stream; i++)
        {
            terminal.Modify(ticket, sl: 1.0 + (i * 1e-5), tp: 0);
        }

        await journal.WaitForAsync(before + stream);
        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"sustained state messages -> signals",-48} {stream} in {clock.Elapsed.TotalMilliseconds:0} ms = {stream / clock.Elapsed.TotalSeconds:0} msg/s"));
        await host.StopAsync();
        return 0;
    }

    private static double Median(List<double> samples) => samples.Order().ElementAt(samples.Count / 2);

    private static async Task<IHost> StartRelayAsync(ISignalJournal journal)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ingress:Port"] = "0" });
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton<IAllowedAccountProvider>(new FixedAccount());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddIngress(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class FixedAccount : IAllowedAccountProvider
    {
        public AllowedAccount? Current { get; } = new(Fixtures.Login, null);
    }

    /// <summary>Counts signals and stamps the moment of the latest commit; no storage cost, so the figure is ingress + book.</summary>
    private sealed class TimingJournal : ISignalJournal, IDisposable
    {
        public void Dispose() => _committed.Dispose();

        private readonly ConcurrentDictionary<long, string> _books = new();
        private long _count;
        private long _lastCommit;
        private readonly ManualResetEventSlim _committed = new();

        public long Count => Interlocked.Read(ref _count);

        public long LastCommitTimestamp => Interlocked.Read(ref _lastCommit);

        public string? LoadBook(long login) => _books.GetValueOrDefault(login);

        public void Commit(long login, IReadOnlyList<Signal> signals, string bookState)
        {
            Interlocked.Exchange(ref _lastCommit, Stopwatch.GetTimestamp());
            Interlocked.Add(ref _count, signals.Count);
            _committed.Set();
        }

        public Task WaitForAsync(long count)
        {
            // Block on an event the commit sets: a spinning waiter would steal one of the two cores from the relay.
            var deadline = Stopwatch.StartNew();
            while (Count < count)
            {
                _committed.Wait(TimeSpan.FromMilliseconds(100));
                _committed.Reset();
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Only {Count} of {count} signals arrived.");
                }
            }

            return Task.CompletedTask;
        }
    }
}
