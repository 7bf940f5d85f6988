using System.Diagnostics;
using System.Globalization;

namespace MasterSender.Mql5.Tests;

/// <summary>Brings the C++ self-tests (what tests/mql5/run runs) into the README's single test command: the EA code and
/// the emulation (selftest.cpp), and the emulated OrderSend and WebRequest that MasterSenderCheck runs on in CI
/// (trade_selftest.cpp: retcodes, fills and partial fills, transaction order, allowed URLs).</summary>
public sealed class SelfTests
{
    [Theory]
    [InlineData("selftest", 60)]
    [InlineData("trade_selftest", 45)]
    public void Cpp_self_tests_of_the_EA_code_and_the_emulation_pass(string program, int atLeast)
    {
        // The shared build, not a second `run`: two concurrent builds would write the same files.
        var info = new ProcessStartInfo(Harness.Built(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var run = Process.Start(info)!;
        string stdout = run.StandardOutput.ReadToEnd();
        string stderr = run.StandardError.ReadToEnd();
        run.WaitForExit();
        string last = stdout.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^\d+ passed, 0 failed$", last);
        Assert.True(run.ExitCode == 0, stdout + stderr);
        Assert.True(int.Parse(last.Split(' ')[0], CultureInfo.InvariantCulture) >= atLeast, last);
    }
}
