using System.Diagnostics;

namespace MasterSender.Mql5.Tests;

/// <summary>Brings the C++ self-tests (tests/mql5/run) into the README's single test command.</summary>
public sealed class SelfTests
{
    [Fact]
    public void Cpp_self_tests_of_the_EA_code_and_the_emulation_pass()
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(Harness.RepoRoot, "tests", "mql5", "run"));
        using var run = Process.Start(info)!;
        string stdout = run.StandardOutput.ReadToEnd();
        string stderr = run.StandardError.ReadToEnd();
        run.WaitForExit();
        string last = stdout.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^\d+ passed, 0 failed$", last);
        Assert.True(run.ExitCode == 0, stdout + stderr);
        Assert.True(int.Parse(last.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 60, last);
    }
}
