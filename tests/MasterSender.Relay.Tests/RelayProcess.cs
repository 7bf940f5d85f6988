using System.Diagnostics;
using System.Text;

namespace MasterSender.Relay.Tests;

/// <summary>The real relay exe (<c>dotnet MasterSender.Relay.dll</c>) as a separate process, its output collected.</summary>
internal sealed class RelayProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<string> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RelayProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _running.TrySetResult("");
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (e.Data.Contains("is running. Status page: ", StringComparison.Ordinal))
            {
                _running.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_error)
                {
                    _error.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static RelayProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            // Null: not set at all (an empty value would still override lower configuration sources).
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return new RelayProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the line saying the relay runs; returns its status page URL.</summary>
    public async Task<string> WaitUntilRunningAsync()
    {
        var line = await _running.Task.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(line.Length > 0, $"The relay ended before it ran. Output:\n{Output}\nErrors:\n{Error}");
        var start = line.IndexOf("http://", StringComparison.Ordinal);
        return line[start..line.IndexOf(' ', start)];
    }

    /// <summary>Polls the output, with a deadline, until the relay said it runs for the <paramref name="nth"/> time
    /// (it restarts in place after a setting is saved on its page); returns that status page URL.</summary>
    public async Task<string> WaitUntilRunningAsync(int nth)
    {
        const string Marker = "is running. Status page: ";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var lines = Output.Split('\n').Where(line => line.Contains(Marker, StringComparison.Ordinal)).ToList();
            if (lines.Count >= nth)
            {
                var line = lines[nth - 1];
                var start = line.IndexOf("http://", StringComparison.Ordinal);
                return line[start..line.IndexOf(' ', start)];
            }

            Assert.True(DateTime.UtcNow < deadline && !Process.HasExited, $"The relay did not run a {nth}th time. Output:\n{Output}\nErrors:\n{Error}");
            await Task.Delay(20);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        await Process.WaitForExitAsync().WaitAsync(deadline);
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
