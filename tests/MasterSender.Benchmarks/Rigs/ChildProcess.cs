using System.Diagnostics;
using System.Threading.Channels;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// This bench's own executable started again with another verb (<c>sandbox-process</c>, <c>terminal-process</c>),
/// so the sandbox API and the terminal side run in their own processes, as on a trader's machine: the MT5 terminal,
/// the relay and the remote API share no thread pool and no GC. It talks in lines: commands on its stdin, answers on
/// its stdout. Closing its stdin ends it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _verb;
    private readonly Func<string, bool>? _handled;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _errors = new();

    private ChildProcess(Process process, string verb, Func<string, bool>? handled)
    {
        _process = process;
        _verb = verb;
        _handled = handled;
    }

    /// <summary>Starts <c>dotnet MasterSender.Benchmarks.dll VERB ARGS</c>. <paramref name="handled"/> sees each
    /// stdout line first (on the pipe's reader thread) and returns true for lines it consumed, e.g. a stream of
    /// arrivals; the others are read with <see cref="ReadLineAsync"/>.</summary>
    public static ChildProcess Start(string verb, IEnumerable<string> arguments, Func<string, bool>? handled = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As the relay runs: each method compiled once, optimised. After a scenario's warm-up all three programs run
        // their final code, and no background recompilation competes for the two cores while the bench measures.
        info.Environment["DOTNET_TieredCompilation"] = "0";
        info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        info.ArgumentList.Add(verb);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the {verb}.");
        OwnProcesses.Track(process);
        var child = new ChildProcess(process, verb, handled);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnError(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The next stdout line no handler consumed; throws with the child's last stderr lines if it ends or
    /// <paramref name="timeout"/> passes first.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            var why = e is ChannelClosedException ? "ended" : $"said nothing within {timeout.TotalSeconds:0} s";
            throw new InvalidOperationException($"The {_verb} {why} while the bench waited for {what}:{Environment.NewLine}{string.Join(Environment.NewLine, Errors())}");
        }
    }

    /// <summary>The next line, which must start with <paramref name="word"/>; the words after it.</summary>
    public async Task<string[]> ExpectAsync(string word, TimeSpan timeout)
    {
        var line = await ReadLineAsync(timeout, $"'{word}'");
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words[0] == word
            ? words[1..]
            : throw new InvalidOperationException($"The {_verb} said '{line}' where the bench expected '{word}'.");
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Before it ends: an ended process's CPU time can no longer be read.
        OwnProcesses.Untrack(_process);
        try
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        if (_handled?.Invoke(line) != true)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            _errors.Enqueue(line);
            if (_errors.Count > 20)
            {
                _errors.Dequeue();
            }
        }
    }

    private List<string> Errors()
    {
        lock (_errors)
        {
            return [.. _errors];
        }
    }
}
