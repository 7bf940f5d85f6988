using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MasterSender.Mql5.Tests;

/// <summary>The EA running in tests/mql5/build/ea_harness, with its stdout lines collected.</summary>
public sealed class Harness : IDisposable
{
    // Emulated time runs this many times faster than the wall clock: 5 s of EA timeouts take 1 s.
    public const double Speed = 5;

    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Process process;
    private readonly List<string> lines = [];

    private Harness(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MasterSender.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("MasterSender.sln not found above the test binaries");
        }
    }

    /// <summary>Path of a binary built by tests/mql5/run --build-only (built once per test run).</summary>
    public static string Built(string name) => Path.Combine(Path.GetDirectoryName(Binary.Value)!, name);

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Harness Start(int port, string scenario, double durationS = 60, params string[] extra)
    {
        var info = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--scenario", scenario,
            "--speed", Speed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--duration", durationS.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--until-stdin-closes", "1",
            .. extra,
        ];
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        return new Harness(Process.Start(info) ?? throw new InvalidOperationException("ea_harness did not start"));
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string? found = Lines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            if (process.HasExited)
            {
                // The parameterless wait also waits for the asynchronous stdout reader to reach EOF.
                process.WaitForExit();
                found = Lines.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }
                break;
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException("no matching harness line; got:\n" + string.Join("\n", Lines.TakeLast(30)));
    }

    /// <summary>Closing stdin makes the harness call OnDeinit (goodbye) and exit.</summary>
    public void Stop(TimeSpan timeout)
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            throw new TimeoutException("ea_harness did not exit after stdin closed");
        }
        process.WaitForExit();
    }

    public int ExitCode => process.ExitCode;

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }

    private static string Build()
    {
        string root = RepoRoot;
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(root, "tests", "mql5", "run"));
        info.ArgumentList.Add("--build-only");
        using var build = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        string output = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("tests/mql5/run --build-only failed:\n" + output);
        }
        return Path.Combine(root, "tests", "mql5", "build", "ea_harness");
    }
}
