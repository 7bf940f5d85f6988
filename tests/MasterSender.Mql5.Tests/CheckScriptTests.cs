using System.Diagnostics;
using Xunit.Abstractions;
using MasterSender.Broadcast;
using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Mql5.Tests;

/// <summary>
/// mql5/Scripts/MasterSenderCheck.mq5, compiled by g++, run in the scripted terminal (tests/mql5/check_harness) with the
/// real EA alongside, against the real relay: every kind of trade is made with OrderSend and each signal the relay
/// derived is compared with it, as a trader's demo terminal would.
/// </summary>
public sealed class CheckScriptTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Login = 5012345;
    private WebApplication _sandbox = null!;
    private WebApplication? _relay;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("ms-check-").FullName;
        var api = new SandboxApiState { Username = "provider", Password = "pw", AllowedMt5Id = Login };
        _sandbox = await SandboxHosting.StartOnLoopbackAsync(api);
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        await _sandbox.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The log file may still be closing; the temp folder is the OS's to clean.
        }
    }

    private async Task<(int EaPort, int StatusPort)> StartRelayAsync()
    {
        _relay = await RelayInProcess.StartLoggedInAsync(_folder, _sandbox.Urls.First());
        return (_relay.Services.GetRequiredService<IngressService>().Port, new Uri(RelayRunner.PageUrl(_relay)).Port);
    }

    /// <summary>Runs the check to its end; returns its stdout lines (PRINT = Experts log).</summary>
    private async Task<string[]> RunCheckAsync(int eaPort, int statusPort, params string[] extra)
    {
        var info = new ProcessStartInfo(Harness.Built("check_harness"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--port", eaPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--status-port", statusPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--login", Login.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Emulated time twice the wall clock; a signal may take 10 emulated s (5 s of a loaded machine).
            "--speed", "2",
            "--deadline-ms", "10000",
            .. extra,
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("check_harness did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"check_harness exited {process.ExitCode}: {await stderr}\n{stdout}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        output.WriteLine(Table(lines));
        return lines;
    }

    private static string FinalLine(string[] lines) =>
        lines.Last(l => l.StartsWith("PRINT MasterSenderCheck ", StringComparison.Ordinal) && l.Contains(" passed", StringComparison.Ordinal));

    /// <summary>The Experts log, for a failure's message.</summary>
    private static string Table(string[] lines) => string.Join("\n", lines.Where(l => l.StartsWith("PRINT ", StringComparison.Ordinal)));

    private static void AssertFinal(string expected, string[] lines) => Assert.True(FinalLine(lines) == expected, $"expected {expected}; the log:\n{Table(lines)}");

    private static string[] Rows(string[] lines, string verdict) =>
        [.. lines.Where(l => l.StartsWith("PRINT MasterSenderCheck ", StringComparison.Ordinal) && l.Contains($"| {verdict,-7} |", StringComparison.Ordinal))];

    private static void AssertNothingLeftOpen(string[] lines) => Assert.Contains("left_open=0", lines.Last(l => l.StartsWith("STATS ", StringComparison.Ordinal)), StringComparison.Ordinal);

    [Fact]
    public async Task On_a_hedging_demo_account_every_step_passes_against_the_real_relay()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--account", "hedging");

        Assert.True(Rows(lines, "FAIL").Length == 0, Table(lines));
        // relay ready, open, SL/TP, move SL, partial close, close, place, modify, delete, near-price order placed and
        // filled, close of the filled position, close-by's two opens and the close-by itself.
        AssertFinal("PRINT MasterSenderCheck 14 of 14 passed (1 skipped)", lines);
        Assert.Contains(Rows(lines, "PASS"), r => r.Contains("close-by", StringComparison.Ordinal) && r.Contains("CLOSE #", StringComparison.Ordinal));
        Assert.Contains(Rows(lines, "PASS"), r => r.Contains("pending near: filled", StringComparison.Ordinal) && r.Contains("ORDER_DELETED #", StringComparison.Ordinal) && r.Contains(" filled [", StringComparison.Ordinal));
        AssertNothingLeftOpen(lines);
    }

    [Fact]
    public async Task On_a_netting_demo_account_the_increase_and_reversal_pass_too()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--account", "netting");

        Assert.True(Rows(lines, "FAIL").Length == 0, Table(lines));
        // relay ready, open, SL/TP, move SL, partial close, close, netting open, increase, reversal, close, place,
        // modify, delete, near-price order placed and filled, close of the filled position.
        AssertFinal("PRINT MasterSenderCheck 15 of 15 passed (1 skipped)", lines);
        var reversal = Assert.Single(Rows(lines, "PASS"), r => r.Contains("netting: reversal", StringComparison.Ordinal));
        Assert.Contains("CLOSE #", reversal, StringComparison.Ordinal);
        Assert.Contains("OPEN #", reversal, StringComparison.Ordinal);
        AssertNothingLeftOpen(lines);
    }

    [Fact]
    public async Task When_the_broker_fills_only_part_of_the_open_the_check_follows_the_filled_volume()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        // Immediate-or-cancel with 0.01 lots available: the 0.02 open is filled 0.01 (DONE_PARTIAL).
        var lines = await RunCheckAsync(eaPort, statusPort, "--account", "hedging", "--liquidity", "0.01");

        Assert.True(Rows(lines, "FAIL").Length == 0, Table(lines));
        Assert.Contains(Rows(lines, "PASS"), r => r.Contains("| expected: OPEN #", StringComparison.Ordinal) && r.Contains(" 0.01 | seen: OPEN #", StringComparison.Ordinal));
        Assert.Contains(Rows(lines, "SKIP"), r => r.Contains("partial close", StringComparison.Ordinal) && r.Contains("filled only in part (0.01)", StringComparison.Ordinal));
        AssertNothingLeftOpen(lines);
    }

    [Fact]
    public async Task When_the_price_never_reaches_the_near_pending_order_its_fill_is_skipped_with_the_reason()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--quote", "frozen", "--fill-wait-ms", "2000");

        Assert.True(Rows(lines, "FAIL").Length == 0, Table(lines));
        Assert.Contains(Rows(lines, "PASS"), r => r.Contains("pending near: delete", StringComparison.Ordinal) && r.Contains(" cancelled [", StringComparison.Ordinal));
        Assert.Contains(Rows(lines, "SKIP"), r => r.Contains("pending near: filled", StringComparison.Ordinal) && r.Contains("did not reach", StringComparison.Ordinal) && r.Contains("within 2000 ms", StringComparison.Ordinal));
        AssertNothingLeftOpen(lines);
    }

    [Fact]
    public async Task A_real_account_is_refused_and_nothing_is_traded()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--trade-mode", "real");

        Assert.Contains(lines, l => l.StartsWith("PRINT MasterSenderCheck refused: this is not a demo account", StringComparison.Ordinal));
        Assert.Contains("order_sends=0", lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_market_is_refused_and_nothing_is_traded()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--market", "closed");

        Assert.Contains(lines, l => l.StartsWith("PRINT MasterSenderCheck refused: the market for EURUSD is closed", StringComparison.Ordinal));
        Assert.Contains("order_sends=0", lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Algo_Trading_off_the_check_says_how_to_switch_it_on_and_trades_nothing()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--algo-trading", "0");

        Assert.Contains(lines, l => l.StartsWith("PRINT MasterSenderCheck refused: Algo Trading is off: switch it on", StringComparison.Ordinal));
        Assert.Contains("order_sends=0", lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_relay_the_check_says_so_and_trades_nothing()
    {
        var deadPort = Harness.FreePort();

        var lines = await RunCheckAsync(Harness.FreePort(), deadPort);

        var row = Assert.Single(Rows(lines, "FAIL"));
        Assert.Contains($"the relay does not answer at http://127.0.0.1:{deadPort}/api/check/signals", row, StringComparison.Ordinal);
        Assert.Contains("is the MasterSender relay running", row, StringComparison.Ordinal);
        Assert.Equal("PRINT MasterSenderCheck 0 of 1 passed", FinalLine(lines));
        Assert.Contains("order_sends=0", lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_status_page_in_the_allowed_URLs_the_check_names_the_entry_to_add()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        var lines = await RunCheckAsync(eaPort, statusPort, "--allow-webrequest", "0");

        var row = Assert.Single(Rows(lines, "FAIL"));
        Assert.Contains($"(error 4014): add http://127.0.0.1:{statusPort} to Tools > Options > Expert Advisors > Allow WebRequest for listed URL", row, StringComparison.Ordinal);
        Assert.Contains("order_sends=0", lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_signal_fails_its_step_by_name_and_the_check_still_cleans_up()
    {
        var (eaPort, statusPort) = await StartRelayAsync();

        // The EA is removed from its chart after the third trade (open, set SL/TP, move SL): the partial close
        // and everything after it reach the relay no more.
        var lines = await RunCheckAsync(eaPort, statusPort, "--detach-ea-after", "3", "--deadline-ms", "3000");

        var passed = Rows(lines, "PASS");
        Assert.Contains(passed, r => r.Contains("move SL", StringComparison.Ordinal));
        var partial = Assert.Single(Rows(lines, "FAIL"), r => r.Contains("partial close", StringComparison.Ordinal));
        Assert.Contains("NO PARTIAL_CLOSE #", partial, StringComparison.Ordinal);
        Assert.Contains("within 3000 ms", partial, StringComparison.Ordinal);
        Assert.Matches(@"^PRINT MasterSenderCheck 4 of \d+ passed", FinalLine(lines));
        Assert.Contains("PRINT MasterSenderCheck cleanup: no position or order of the check is left open", lines);
        AssertNothingLeftOpen(lines);
    }
}
