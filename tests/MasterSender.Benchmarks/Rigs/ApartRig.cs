using System.Diagnostics;
using System.Globalization;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>How an <see cref="ApartRig"/> is set up.</summary>
internal sealed record ApartRigOptions
{
    /// <summary>The relay build to run as its own process.</summary>
    public required RelayBuild Relay { get; init; }

    /// <summary>Positions open in the terminal before the EA connects: the relay adopts them as its baseline, so
    /// they cost no signals and a scenario starts with a full book at once.</summary>
    public int OpenPositions { get; init; }

    /// <summary>Connect as the EA does (<see cref="EaWireClient"/>) instead of through the simulator's NetMQ DEALER.</summary>
    public bool Wire { get; init; }

    /// <summary>Signals:MaxParallelDeliveries; null keeps the relay's default.</summary>
    public int? MaxParallelDeliveries { get; init; }

    /// <summary>A long-running master: the relay starts with this many tickets closed before (<see cref="LongRunningBook"/>).</summary>
    public int ClosedBefore { get; init; }
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
/// The product path as on a trader's machine, three programs in three processes: the terminal side
/// (<see cref="TerminalProcess"/>) → the relay as users run it (<see cref="RelayProcess"/>: `run`, ingress, book,
/// SQLite outbox, signed delivery) → the sandbox API (<see cref="SandboxProcess"/>), which verifies every signature.
/// None shares a thread pool or a GC with another or with the bench, and the relay's CPU time is its own. Changes
/// and arrivals are stamped in their processes with one monotonic clock. Each scenario gets a fresh rig, so one
/// scenario's backlog never slows the next.
/// </summary>
internal sealed class ApartRig : IAsyncDisposable
{
    private readonly SandboxProcess _sandbox;
    private readonly RelayProcess _relay;

    private ApartRig(SandboxProcess sandbox, RelayProcess relay, TerminalProcess terminal)
    {
        _sandbox = sandbox;
        _relay = relay;
        Terminal = terminal;
    }

    public TerminalProcess Terminal { get; }

    /// <summary>The positions opened before connecting (<see cref="ApartRigOptions.OpenPositions"/>).</summary>
    public IReadOnlyList<long> Tickets => Terminal.Tickets;

    public ArrivalRecorder Arrivals => _sandbox.Arrivals;

    public static async Task<ApartRig> StartAsync(ApartRigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sandbox = await SandboxProcess.StartAsync();
        RelayProcess? relay = null;
        TerminalProcess? terminal = null;
        try
        {
            var settings = new Dictionary<string, string>();
            if (options.MaxParallelDeliveries is { } parallel)
            {
                settings["Signals:MaxParallelDeliveries"] = parallel.ToString(CultureInfo.InvariantCulture);
            }

            relay = await RelayProcess.StartAsync(options.Relay, sandbox.Url, settings, options.ClosedBefore > 0 ? folder => LongRunningBook.Seed(folder, options.ClosedBefore) : null);
            // The ingress refuses the EA until the relay knows which account the API allows.
            await RelayProcess.PollAsync(relay.LoggedInAsync, "the relay process logging in to the sandbox API");
            terminal = await TerminalProcess.StartAsync(relay.EaPort, options.OpenPositions, options.Wire);
            // The connect snapshot becomes the baseline; changes made before it is applied would be adopted silently.
            var started = relay;
            await RelayProcess.PollAsync(() => started.HoldsPositionsAsync(options.OpenPositions), "the relay process adopting the terminal's snapshot");
            return new ApartRig(sandbox, relay, terminal);
        }
        catch
        {
            if (terminal is not null)
            {
                await terminal.DisposeAsync();
            }

            if (relay is not null)
            {
                await relay.DisposeAsync();
            }

            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>The relay's signals by state, and how many it produced since start, from its status page.</summary>
    public Task<RelaySignalCounts> SignalCountsAsync() => _relay.SignalCountsAsync();

    /// <summary>The relay process's work so far. With <paramref name="sentAtLeast"/>, first waits until the page
    /// counts that many signals sent: the relay records outcomes in batches, a moment after the API answered, and
    /// that recording is part of a signal's cost.</summary>
    public async Task<RelayWork> WorkAsync(long sentAtLeast = 0)
    {
        await RelayProcess.PollAsync(async () => (await _relay.SignalCountsAsync()).Sent >= sentAtLeast, "the relay process recording its signals as sent");
        var cpu = _relay.CpuTime();
        var frames = await _relay.FramesAsync();
        var counts = await _relay.SignalCountsAsync();
        return new RelayWork(cpu, frames, counts.Sent);
    }

    /// <summary>Waits until every ticket's change tagged <paramref name="tag"/> (or a newer one) is at the API. Looks
    /// at each arrival once: this runs while the relay is still delivering, on the same cores.</summary>
    public async Task<bool> WaitUntilReachedAsync(int start, IReadOnlyCollection<long> tickets, int tag, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var waiting = tickets.ToHashSet();
        var seen = start;
        while (true)
        {
            var fresh = Arrivals.Since(seen);
            seen += fresh.Count;
            foreach (var arrival in fresh)
            {
                if (SlTag.From(arrival.Sl) >= tag)
                {
                    waiting.Remove(arrival.Ticket);
                }
            }

            if (waiting.Count == 0)
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Arrivals.WaitForCountAsync(seen + 1, TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Terminal.DisposeAsync();
        await _relay.DisposeAsync();
        await _sandbox.DisposeAsync();
    }
}
