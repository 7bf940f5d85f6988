using System.Diagnostics;
using System.Globalization;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>Megabytes. On Linux the working set (VmRSS) splits into private memory (RssAnon + RssShmem: heaps, stacks,
/// and the JIT's code, which .NET maps twice through a memfd for W^X, so it shows as shared memory) and file-backed
/// pages (RssFile: the mapped runtime, framework and app files, shared with every other .NET process using them);
/// elsewhere only the working set is known.</summary>
internal sealed record IdleRelayResult(
    string Build,
    double WorkingSetMb,
    double PeakWorkingSetMb,
    double? PrivateMb,
    double? FileBackedMb,
    TimeSpan PageListeningIn,
    TimeSpan StartedIn,
    TimeSpan Idle,
    int Positions,
    RelayCpu Cpu);

/// <summary>The relay process's own CPU time (user + system, read from outside) per unit of work: per state message
/// that changed nothing (ingress, parse, book compare) and per signal carried to the API (ingress, book, SQLite commit,
/// signing, POST, outcome). Independent of how fast the machine's clock is, unlike latency.</summary>
internal sealed record RelayCpu(int StateMessages, double MicrosecondsPerStateMessage, int Signals, double MicrosecondsPerSignal);

/// <summary>
/// The relay's own footprint: the built relay started as its own process (`run`, as a user starts it), logged in to
/// the in-process sandbox API, an EA simulator connected with a few positions whose OPENs went through, then left
/// idle. Its working set is read from outside, so nothing of the bench, sandbox or simulator is counted.
/// </summary>
internal static class IdleRelayProcessScenario
{
    public const int Positions = 5;
    public const int StateMessages = 20_000;
    public const int Signals = 1_000;
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    public static async Task<IdleRelayResult> RunAsync(RelayBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        await using var sandbox = await SandboxHost.StartAsync();
        using var arrivals = ArrivalRecorder.Of(sandbox.State);
        var clock = Stopwatch.StartNew();
        await using var relay = await RelayProcess.StartAsync(build, sandbox.Url);
        await RelayProcess.PollAsync(relay.LoggedInAsync, "the relay process logging in to the sandbox API");
        var startedIn = clock.Elapsed;

        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(Fixtures.Login), $"tcp://127.0.0.1:{relay.EaPort}", new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!welcome.Accepted)
        {
            throw new InvalidOperationException("The relay process refused the simulator: " + welcome.Message);
        }

        for (var i = 0; i < Positions; i++)
        {
            terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08 + (i * 1e-4));
        }

        await arrivals.RequireCountAsync(Positions, TimeSpan.FromSeconds(30), "the idle relay's OPENs");

        // The deliberate idle period: heartbeats only, as a relay spends most of its life.
        await Task.Delay(Idle);
        var process = relay.Process;
        process.Refresh();
        var status = ProcStatus(process.Id);
        var workingSet = process.WorkingSet64;
        var peak = process.PeakWorkingSet64;
        var cpu = await MeasureCpuAsync(relay, terminal, arrivals);
        return new IdleRelayResult(
            build.Name,
            Mb(workingSet),
            Mb(peak),
            status.TryGetValue("RssAnon", out var anonymous) ? Mb(anonymous + status.GetValueOrDefault("RssShmem")) : null,
            status.TryGetValue("RssFile", out var file) ? Mb(file) : null,
            relay.PageListeningIn,
            startedIn,
            Idle,
            Positions,
            cpu);
    }

    /// <summary>
    /// State messages first (each changes only the current price, so no signal), then signals one at a time (each an SL
    /// move, awaited at the API before the next, so none is conflated). CPU is read from the process before and after each.
    /// </summary>
    private static async Task<RelayCpu> MeasureCpuAsync(RelayProcess relay, TerminalSimulator terminal, ArrivalRecorder arrivals)
    {
        var tickets = terminal.Terminal.Positions.Select(p => p.Ticket).ToList();
        var framesBefore = await relay.FramesAsync();
        var cpuBefore = relay.CpuTime();
        for (var i = 0; i < StateMessages; i += tickets.Count)
        {
            terminal.Terminal.Tick(i % 2 == 0 ? 1e-5 : -1e-5);
            terminal.Send(terminal.Terminal.Positions.Select(p => (EaMessage)new PositionUpdate { Session = terminal.Session, Seq = 0, Position = p }));
        }

        var sent = StateMessages / tickets.Count * tickets.Count;
        await RelayProcess.PollAsync(async () => await relay.FramesAsync() >= framesBefore + sent, "the relay process reading every state message");
        var ingestCpu = relay.CpuTime() - cpuBefore;

        var start = arrivals.Count;
        cpuBefore = relay.CpuTime();
        for (var i = 0; i < Signals; i++)
        {
            var ticket = tickets[i % tickets.Count];
            terminal.Modify(ticket, sl: 1.0 + (i * 1e-5), tp: 0);
            await arrivals.RequireCountAsync(start + i + 1, TimeSpan.FromSeconds(30), "an SL move at the API");
        }

        var signalCpu = relay.CpuTime() - cpuBefore;
        return new RelayCpu(sent, ingestCpu.TotalMicroseconds / sent, Signals, signalCpu.TotalMicroseconds / Signals);
    }

    /// <summary>The byte-sized fields of /proc/PID/status (Linux), e.g. RssAnon; empty elsewhere.</summary>
    private static Dictionary<string, long> ProcStatus(int pid)
    {
        var path = $"/proc/{pid}/status";
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return fields;
        }

        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(':', 2);
            var value = parts.Length == 2 ? parts[1].Trim() : "";
            if (value.EndsWith(" kB", StringComparison.Ordinal) && long.TryParse(value[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                fields[parts[0]] = kb * 1024;
            }
        }

        return fields;
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
}
