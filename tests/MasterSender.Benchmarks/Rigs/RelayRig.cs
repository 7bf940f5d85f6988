using System.Diagnostics;
using MasterSender.Broadcast;
using MasterSender.Core.Pipeline;
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

    /// <summary>Connect as the EA does (<see cref="EaWireClient"/>) instead of through the simulator's NetMQ DEALER.</summary>
    public bool Wire { get; init; }

    /// <summary>Signals:MaxParallelDeliveries; null keeps the relay's default.</summary>
    public int? MaxParallelDeliveries { get; init; }
}

/// <summary>
/// The whole product path in one process: simulator → the real relay as `run` composes it (ingress, book, SQLite
/// outbox, signed delivery) → the sandbox API on loopback, which verifies every signature. Each scenario gets a fresh
/// rig, so one scenario's backlog never slows the next.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private readonly SandboxHost _sandbox;
    private readonly WebApplication _relay;
    private readonly string _folder;

    private readonly TerminalSimulator? _simulator;

    private RelayRig(SandboxHost sandbox, WebApplication relay, string folder, TerminalSimulator? simulator, EaWireClient? wire, IReadOnlyList<long> tickets)
    {
        _sandbox = sandbox;
        _relay = relay;
        _folder = folder;
        _simulator = simulator;
        Wire = wire;
        Tickets = tickets;
        Arrivals = new ArrivalRecorder(sandbox.State);
        Commits = new CommitRecorder(relay.Services.GetRequiredService<SignalPipeline>());
    }

    public TerminalSimulator Terminal => _simulator ?? throw new InvalidOperationException("This rig connected the wire client, not the simulator.");

    /// <summary>Set when <see cref="RelayRigOptions.Wire"/> was.</summary>
    public EaWireClient? Wire { get; }

    /// <summary>The positions opened before connecting (<see cref="RelayRigOptions.OpenPositions"/>).</summary>
    public IReadOnlyList<long> Tickets { get; }

    public ArrivalRecorder Arrivals { get; }

    /// <summary>The sandbox API's state: faults to inject, what it received.</summary>
    public MasterSender.SandboxApi.SandboxApiState Api => _sandbox.State;

    public CommitRecorder Commits { get; }

    /// <summary>The relay's outbox by state: how many signals are pending, sent, superseded.</summary>
    public MasterSender.Outbox.OutboxCounts Outbox => _relay.Services.GetRequiredService<MasterSender.Outbox.SqliteOutbox>().Counts();

    /// <summary>Polls until every ticket's change tagged <paramref name="tag"/> (or a newer one) is at the API.</summary>
    public async Task<bool> WaitUntilReachedAsync(int start, IReadOnlyCollection<long> tickets, int tag, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!StateReached.AllReached(Arrivals.Since(start), tickets, tag))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Arrivals.WaitForCountAsync(Arrivals.Count + 1, TimeSpan.FromMilliseconds(100));
        }

        return true;
    }

    /// <summary>Signals the relay's pipeline produced (and committed to the outbox) since start.</summary>
    public long SignalsProduced => _relay.Services.GetRequiredService<IngressMetrics>().SignalsProduced;

    public static async Task<RelayRig> StartAsync(RelayRigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = Directory.CreateTempSubdirectory("ms-bench-").FullName;
        var sandbox = await SandboxHost.StartAsync(options.ApiDelay);
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

        var terminal = SimulatedTerminal.Demo(Fixtures.Login);
        var tickets = Enumerable.Range(0, options.OpenPositions)
            .Select(i => terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5)).Ticket)
            .ToList();
        var ingress = relay.Services.GetRequiredService<IngressService>();
        TerminalSimulator? simulator = null;
        EaWireClient? wire = null;
        if (options.Wire)
        {
            wire = EaWireClient.Connect(ingress.Port, terminal);
        }
        else
        {
            simulator = new TerminalSimulator(terminal, $"tcp://127.0.0.1:{ingress.Port}", new SimulatorSettings { AutoHeartbeat = true });
            var welcome = await simulator.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (!welcome.Accepted)
            {
                throw new InvalidOperationException("The relay refused the simulator: " + welcome.Message);
            }
        }

        // The connect snapshot becomes the baseline; changes made before it is applied would be adopted silently.
        await Until(() => ingress.Book(Fixtures.Login).HasBaseline, "the relay adopting the terminal's snapshot");
        return new RelayRig(sandbox, relay, folder, simulator, wire, tickets);
    }

    public async ValueTask DisposeAsync()
    {
        Arrivals.Dispose();
        Commits.Dispose();
        _simulator?.Dispose();
        Wire?.Dispose();
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
