using System.Diagnostics;

namespace MasterSender.Relay.Tests;

/// <summary>The real exe started twice: the second start must refuse, name the first, and exit non-zero.</summary>
public sealed class SecondInstanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-instance-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The first relay's log may still be closing.
        }
    }

    private Process Start()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll"), "run",
            "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}", $"--Storage:LockFile={Path.Combine(_folder, "relay.lock")}",
            "--Api:Url=http://127.0.0.1:9",
        })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    [Fact]
    public async Task A_second_relay_exits_with_code_3_naming_the_running_one()
    {
        using var first = Start();
        try
        {
            var line = await first.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            while (line is not null && !line.Contains("is running", StringComparison.Ordinal))
            {
                line = await first.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }

            Assert.NotNull(line);
            using var second = Start();
            var error = await second.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(3, second.ExitCode);
            Assert.Contains("already running", error, StringComparison.Ordinal);
            Assert.Contains(first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
            Assert.Contains("http://127.0.0.1:", error, StringComparison.Ordinal);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
    }
}
