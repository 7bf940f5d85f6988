using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>How the relay process is started: the framework-dependent build through <c>dotnet</c>, or a published exe.</summary>
internal sealed record RelayBuild(string Name, string FileName, IReadOnlyList<string> LeadingArguments)
{
    public static RelayBuild FrameworkDependent() =>
        new("dotnet MasterSender.Relay.dll", "dotnet", [Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll")]);

    public static RelayBuild Published(string exe) => new("published " + Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(exe))), exe, []);

    /// <summary>Which relay is measured: its name, file, version (with the source commit when the build knew it) and
    /// when it was built, so a figure can be traced to the code it measured.</summary>
    public string Describe()
    {
        var file = LeadingArguments.Count > 0 ? LeadingArguments[0] : FileName;
        var version = FileVersionInfo.GetVersionInfo(file).ProductVersion;
        var built = File.GetLastWriteTimeUtc(file);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name} ({file}{(string.IsNullOrEmpty(version) ? "" : ", version " + version)}, built {built:yyyy-MM-dd HH:mm} UTC)");
    }
}

/// <summary>The signal counts of the relay's page (<c>/api/status</c>, <c>signals</c>).</summary>
internal sealed record RelaySignalCounts(long Produced, long Sent, long Pending, long Expired, long Superseded);

/// <summary>
/// The relay started as its own process (`run`, as a user starts it, with its default logging), against an API URL,
/// in a temporary data folder. Everything the bench learns about it comes from outside: its start line, its status
/// page, and its CPU time from the operating system, so nothing the bench itself does is counted as the relay's.
/// </summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _folder;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<string> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RelayProcess(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>From start to the relay's "is running" line (the page listens then).</summary>
    public TimeSpan PageListeningIn { get; private set; }

    public int EaPort { get; private set; }

    /// <summary>A client for the relay's status page.</summary>
    public HttpClient Page { get; private set; } = null!;

    public Process Process => _process;

    /// <summary>Starts the relay and waits until it says it is running; <paramref name="settings"/> are extra
    /// configuration keys (e.g. Signals:MaxParallelDeliveries); <paramref name="prepare"/> gets the data folder first.</summary>
    public static async Task<RelayProcess> StartAsync(RelayBuild build, string apiUrl, IReadOnlyDictionary<string, string>? settings = null, Action<string>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var folder = Directory.CreateTempSubdirectory("ms-bench-relay-").FullName;
        prepare?.Invoke(folder);
        var info = new ProcessStartInfo(build.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in build.LeadingArguments.Concat(
        [
            "run",
            "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={folder}",
            $"--Api:Url={apiUrl}", $"--Api:Username={SandboxHost.User}", $"--Api:Password={SandboxHost.Password}",
        ]).Concat((settings ?? new Dictionary<string, string>()).Select(s => $"--{s.Key}={s.Value}")))
        {
            info.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the relay process.");
        var relay = new RelayProcess(process, folder);
        OwnProcesses.Track(process);

        try
        {
            await relay.AwaitRunningAsync(clock);
            return relay;
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
    }

    /// <summary>User + system CPU time of the relay process so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async Task<JsonDocument> StatusAsync() =>
        JsonDocument.Parse(await Page.GetStringAsync(new Uri("api/status", UriKind.Relative)));

    public async Task<bool> LoggedInAsync()
    {
        using var status = await StatusAsync();
        return status.RootElement.GetProperty("api").GetProperty("logged_in").GetBoolean();
    }

    /// <summary>True once the EA is connected and the relay's book holds <paramref name="positions"/> positions.</summary>
    public async Task<bool> HoldsPositionsAsync(int positions)
    {
        using var status = await StatusAsync();
        var terminal = status.RootElement.GetProperty("terminal");
        return terminal.GetProperty("connected").GetBoolean() && terminal.GetProperty("open_positions").GetInt32() == positions;
    }

    public async Task<long> FramesAsync()
    {
        using var status = await StatusAsync();
        return status.RootElement.GetProperty("ingress").GetProperty("frames").GetInt64();
    }

    public async Task<RelaySignalCounts> SignalCountsAsync()
    {
        using var status = await StatusAsync();
        var signals = status.RootElement.GetProperty("signals");
        return new RelaySignalCounts(
            signals.GetProperty("produced").GetInt64(),
            signals.GetProperty("sent").GetInt64(),
            signals.GetProperty("pending").GetInt64(),
            signals.GetProperty("expired").GetInt64(),
            signals.GetProperty("superseded").GetInt64());
    }

    /// <summary>Polls with a deadline: the relay's page offers no event to await. Every 50 ms, so the polling itself
    /// costs the measured relay little CPU.</summary>
    public static async Task PollAsync(Func<Task<bool>> condition, string what)
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

    public async ValueTask DisposeAsync()
    {
        OwnProcesses.Untrack(_process);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Page?.Dispose();
        TempFolder.TryDelete(_folder);
    }

    private async Task AwaitRunningAsync(Stopwatch clock)
    {
        // Both pipes are drained all along: a full pipe would block the relay's logging.
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_running.Task, exited, Task.Delay(StartTimeout));
        if (first != _running.Task)
        {
            var why = first == exited ? "exited before it was running" : $"did not say it was running within {StartTimeout.TotalSeconds:0} s";
            throw new InvalidOperationException($"The relay process {why}:{Environment.NewLine}{string.Join(Environment.NewLine, Tail())}");
        }

        var line = await _running.Task;
        PageListeningIn = clock.Elapsed;
        var match = RunningLine().Match(line);
        if (!match.Success)
        {
            throw new InvalidOperationException("Unexpected start line: " + line);
        }

        Page = new HttpClient { BaseAddress = new Uri(match.Groups["page"].Value) };
        EaPort = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20)
            {
                _lastLines.Dequeue();
            }
        }

        if (line.Contains("is running", StringComparison.Ordinal))
        {
            _running.TrySetResult(line);
        }
    }

    private List<string> Tail()
    {
        lock (_lastLines)
        {
            return [.. _lastLines];
        }
    }

    [GeneratedRegex(@"Status page: (?<page>http://\S+)\s+\(EA port (?<port>\d+)")]
    private static partial Regex RunningLine();
}
