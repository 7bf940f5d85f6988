using System.Diagnostics;

namespace MasterSender.Mql5.Tests;

/// <summary>The C++ self-tests of the emulated OrderSend and WebRequest that MasterSenderCheck runs on in CI
/// (tests/mql5/trade_selftest.cpp): retcodes, fills and partial fills, transaction order, allowed URLs.</summary>
public sealed class TradeEmulationTests
{
    [Fact]
    public void Emulated_trade_functions_and_WebRequest_behave_as_the_MQL5_reference_says()
    {
        var info = new ProcessStartInfo(Harness.Built("trade_selftest"))
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
        Assert.True(int.Parse(last.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 45, last);
    }
}
