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

    /// <summary>Run the relay as its own process of this build (the sandbox API and the terminal side stay in the
    /// bench's process), so its CPU time can be read from outside; null runs it inside the bench's process, where the
    /// bench can also stamp each commit (<see cref="RelayRig.Commits"/>).</summary>
    public RelayBuild? Process { get; init; }
}

/// <summary>What the relay process did so far: its CPU time (user + system), the frames its ingress read and the
/// signals it delivered, from the operating system and its status page.</summary>
internal sealed record RelayWork(TimeSpan Cpu, long Frames, long SignalsSent)
{
    public RelayWork Since(RelayWork before) => new(Cpu - before.Cpu, Frames - before.Frames, SignalsSent - before.SignalsSent);

    public double MicrosecondsPerSignal => SignalsSent > 0 ? Cpu.TotalMicroseconds / SignalsSent : double.NaN;

    public double MicrosecondsPerFrame => Frames > 0 ? Cpu.TotalMicroseconds / Frames : double.NaN;
}

/// <summary>
/// The whole product path: simulator → the real relay as `run` composes it (ingress, book, SQLite outbox, signed
/// delivery) → the sandbox API on loopback, which verifies every signature. The relay runs inside the bench's process
/// or, with <see cref="RelayRigOptions.Process"/>, as its own process, as users run it. Each scenario gets a fresh
/// rig, so one scenario's backlog never slows the next.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private readonly SandboxHost _sandbox;
    private readonly WebApplication? _relay;
    private readonly RelayProcess? _process;
    private readonly string? _folder;

    private readonly TerminalSimulator? _simulator;

    private RelayRig(SandboxHost sandbox, WebApplication? relay, RelayProcess? process, string? folder, TerminalSimulator? simulator, EaWireClient? wire, IReadOnlyList<long> tickets)
    {
        _sandbox = sandbox;
        _relay = relay;
        _process = process;
        _folder = folder;
        _simulator = simulator;
        Wire = wire;
        Tickets = tickets;
        Arrivals = new ArrivalRecorder(sandbox.State);
        Commits = relay is null ? null : new CommitRecorder(relay.Services.GetRequiredService<SignalPipeline>());
    }

    /// <summary>The relay's own process, when it runs in one.</summary>
    public bool InOwnProcess => _process is not null;

    public TerminalSimulator Terminal => _simulator ?? throw new InvalidOperationException("This rig connected the wire client, not the simulator.");

    /// <summary>Set when <see cref="RelayRigOptions.Wire"/> was.</summary>
    public EaWireClient? Wire { get; }

    /// <summary>The positions opened before connecting (<see cref="RelayRigOptions.OpenPositions"/>).</summary>
    public IReadOnlyList<long> Tickets { get; }

    public ArrivalRecorder Arrivals { get; }

    /// <summary>The sandbox API's state: faults to inject, what it received.</summary>
    public MasterSender.SandboxApi.SandboxApiState Api => _sandbox.State;

    /// <summary>Each commit stamped inside the relay; null when the relay runs as its own process.</summary>
    public CommitRecorder? Commits { get; }

    /// <summary>The relay's signals by state, and how many it produced since start.</summary>
    public async Task<RelaySignalCounts> SignalCountsAsync()
    {
        if (_process is not null)
        {
            return await _process.SignalCountsAsync();
        }

        var services = _relay!.Services;
        var outbox = services.GetRequiredService<MasterSender.Outbox.SqliteOutbox>().Counts();
        return new RelaySignalCounts(services.GetRequiredService<MasterSender.Ingress.IngressMetrics>().SignalsProduced, outbox.Sent, outbox.Pending, outbox.Expired, outbox.Superseded);
    }

    /// <summary>The relay process's work so far; null when the relay runs inside the bench (its CPU is not its own).
    /// With <paramref name="sentAtLeast"/>, first waits until the page counts that many signals sent: the relay
    /// records outcomes in batches, a moment after the API answered, and that recording is part of a signal's cost.</summary>
    public async Task<RelayWork?> WorkAsync(long sentAtLeast = 0)
    {
        if (_process is null)
        {
            return null;
        }

        await RelayProcess.PollAsync(async () => (await _process.SignalCountsAsync()).Sent >= sentAtLeast, "the relay process recording its signals as sent");
        var cpu = _process.CpuTime();
        var frames = await _process.FramesAsync();
        var counts = await _process.SignalCountsAsync();
        return new RelayWork(cpu, frames, counts.Sent);
    }

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

    public static async Task<RelayRig> StartAsync(RelayRigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sandbox = await SandboxHost.StartAsync(options.ApiDelay);
        var terminal = SimulatedTerminal.Demo(Fixtures.Login);
        var tickets = Enumerable.Range(0, options.OpenPositions)
            .Select(i => terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5)).Ticket)
            .ToList();
        if (options.Process is { } build)
        {
            var settings = new Dictionary<string, string>();
            if (options.MaxParallelDeliveries is { } parallel)
            {
                settings["Signals:MaxParallelDeliveries"] = parallel.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var process = await RelayProcess.StartAsync(build, sandbox.Url, settings);
            await RelayProcess.PollAsync(process.LoggedInAsync, "the relay process logging in to the sandbox API");
            var (processSimulator, processWire) = await ConnectAsync(options, terminal, process.EaPort);
            // The connect snapshot becomes the baseline; changes made before it is applied would be adopted silently.
            await RelayProcess.PollAsync(() => process.HoldsPositionsAsync(tickets.Count), "the relay process adopting the terminal's snapshot");
            return new RelayRig(sandbox, null, process, null, processSimulator, processWire, tickets);
        }

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
        var (simulator, wire) = await ConnectAsync(options, terminal, ingress.Port);

        // The connect snapshot becomes the baseline; changes made before it is applied would be adopted silently.
        await Until(() => ingress.Book(Fixtures.Login).HasBaseline, "the relay adopting the terminal's snapshot");
        return new RelayRig(sandbox, relay, null, folder, simulator, wire, tickets);
    }

    private static async Task<(TerminalSimulator? Simulator, EaWireClient? Wire)> ConnectAsync(RelayRigOptions options, SimulatedTerminal terminal, int port)
    {
        if (options.Wire)
        {
            return (null, EaWireClient.Connect(port, terminal));
        }

        var simulator = new TerminalSimulator(terminal, $"tcp://127.0.0.1:{port}", new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await simulator.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!welcome.Accepted)
        {
            simulator.Dispose();
            throw new InvalidOperationException("The relay refused the simulator: " + welcome.Message);
        }

        return (simulator, null);
    }

    public async ValueTask DisposeAsync()
    {
        Arrivals.Dispose();
        Commits?.Dispose();
        _simulator?.Dispose();
        Wire?.Dispose();
        if (_relay is not null)
        {
            await _relay.StopAsync();
            await _relay.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        await _sandbox.DisposeAsync();
        if (_folder is not null)
        {
            TempFolder.TryDelete(_folder);
        }
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
