using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
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

/// <summary>How the relay process is started: the framework-dependent build through <c>dotnet</c>, or a published exe.</summary>
internal sealed record RelayBuild(string Name, string FileName, IReadOnlyList<string> LeadingArguments)
{
    public static RelayBuild FrameworkDependent() =>
        new("dotnet MasterSender.Relay.dll", "dotnet", [Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll")]);

    public static RelayBuild Published(string exe) => new("published " + Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(exe))), exe, []);
}

/// <summary>
/// The relay's own footprint: the built relay started as its own process (`run`, as a user starts it), logged in to
/// the in-process sandbox API, an EA simulator connected with a few positions whose OPENs went through, then left
/// idle. Its working set is read from outside, so nothing of the bench, sandbox or simulator is counted.
/// </summary>
internal static partial class IdleRelayProcessScenario
{
    public const int Positions = 5;
    public const int StateMessages = 20_000;
    public const int Signals = 1_000;
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<IdleRelayResult> RunAsync(RelayBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        await using var sandbox = await SandboxHost.StartAsync();
        using var arrivals = new ArrivalRecorder(sandbox.State);
        var folder = Directory.CreateTempSubdirectory("ms-bench-idle-").FullName;
        var clock = Stopwatch.StartNew();
        using var relay = Start(build, folder, sandbox.Url);
        var lastLines = new Queue<string>();
        var running = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lastLines)
            {
                lastLines.Enqueue(line);
                if (lastLines.Count > 20)
                {
                    lastLines.Dequeue();
                }
            }

            if (line.Contains("is running", StringComparison.Ordinal))
            {
                running.TrySetResult(line);
            }
        }

        // Both pipes are drained all along: a full pipe would block the relay's logging.
        relay.OutputDataReceived += (_, e) => OnLine(e.Data);
        relay.ErrorDataReceived += (_, e) => OnLine(e.Data);
        relay.BeginOutputReadLine();
        relay.BeginErrorReadLine();
        try
        {
            var exited = relay.WaitForExitAsync();
            var first = await Task.WhenAny(running.Task, exited, Task.Delay(StartTimeout));
            if (first != running.Task)
            {
                var why = first == exited ? "exited before it was running" : $"did not say it was running within {StartTimeout.TotalSeconds:0} s";
                throw new InvalidOperationException($"The relay process {why}:{Environment.NewLine}{string.Join(Environment.NewLine, Tail(lastLines))}");
            }

            var line = await running.Task;
            var pageListeningIn = clock.Elapsed;
            var match = RunningLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidOperationException("Unexpected start line: " + line);
            }

            var page = new Uri(match.Groups["page"].Value);
            var eaPort = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
            using var http = new HttpClient { BaseAddress = page };
            await PollAsync(async () => await LoggedInAsync(http), "the relay process logging in to the sandbox API");
            var startedIn = clock.Elapsed;

            using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(Fixtures.Login), $"tcp://127.0.0.1:{eaPort}", new SimulatorSettings { AutoHeartbeat = true });
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
            relay.Refresh();
            var status = ProcStatus(relay.Id);
            var workingSet = relay.WorkingSet64;
            var peak = relay.PeakWorkingSet64;
            var cpu = await MeasureCpuAsync(relay, http, terminal, arrivals);
            return new IdleRelayResult(
                build.Name,
                Mb(workingSet),
                Mb(peak),
                status.TryGetValue("RssAnon", out var anonymous) ? Mb(anonymous + status.GetValueOrDefault("RssShmem")) : null,
                status.TryGetValue("RssFile", out var file) ? Mb(file) : null,
                pageListeningIn,
                startedIn,
                Idle,
                Positions,
                cpu);
        }
        finally
        {
            relay.Kill(entireProcessTree: true);
            await relay.WaitForExitAsync();
            TempFolder.TryDelete(folder);
        }
    }

    /// <summary>
    /// State messages first (each changes only the current price, so no signal), then signals one at a time (each an SL
    /// move, awaited at the API before the next, so none is conflated). CPU is read from the process before and after each.
    /// </summary>
    private static async Task<RelayCpu> MeasureCpuAsync(Process relay, HttpClient http, TerminalSimulator terminal, ArrivalRecorder arrivals)
    {
        var tickets = terminal.Terminal.Positions.Select(p => p.Ticket).ToList();
        var framesBefore = await FramesAsync(http);
        var cpuBefore = CpuTime(relay);
        for (var i = 0; i < StateMessages; i += tickets.Count)
        {
            terminal.Terminal.Tick(i % 2 == 0 ? 1e-5 : -1e-5);
            terminal.Send(terminal.Terminal.Positions.Select(p => (EaMessage)new PositionUpdate { Session = terminal.Session, Seq = 0, Position = p }));
        }

        var sent = StateMessages / tickets.Count * tickets.Count;
        await PollAsync(async () => await FramesAsync(http) >= framesBefore + sent, "the relay process reading every state message");
        var ingestCpu = CpuTime(relay) - cpuBefore;

        var start = arrivals.Count;
        cpuBefore = CpuTime(relay);
        for (var i = 0; i < Signals; i++)
        {
            var ticket = tickets[i % tickets.Count];
            terminal.Modify(ticket, sl: 1.0 + (i * 1e-5), tp: 0);
            await arrivals.RequireCountAsync(start + i + 1, TimeSpan.FromSeconds(30), "an SL move at the API");
        }

        var signalCpu = CpuTime(relay) - cpuBefore;
        return new RelayCpu(sent, ingestCpu.TotalMicroseconds / sent, Signals, signalCpu.TotalMicroseconds / Signals);
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static async Task<long> FramesAsync(HttpClient http)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));
        return status.RootElement.GetProperty("ingress").GetProperty("frames").GetInt64();
    }

    private static Process Start(RelayBuild build, string folder, string apiUrl)
    {
        var info = new ProcessStartInfo(build.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in build.LeadingArguments.Concat(
        [
            "run",
            "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={folder}",
            $"--Api:Url={apiUrl}", $"--Api:Username={SandboxHost.User}", $"--Api:Password={SandboxHost.Password}",
        ]))
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the relay process.");
    }

    private static async Task<bool> LoggedInAsync(HttpClient http)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));
        return status.RootElement.GetProperty("api").GetProperty("logged_in").GetBoolean();
    }

    /// <summary>Polls with a deadline: the relay's page offers no event to await.</summary>
    private static async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    private static List<string> Tail(Queue<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
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

    [GeneratedRegex(@"Status page: (?<page>http://\S+)\s+\(EA port (?<port>\d+)")]
    private static partial Regex RunningLine();
}
