using MasterSender.Core.Protocol;
using MasterSender.Core.Terminal;

namespace MasterSender.Broadcast.Tests;

public sealed class StatusReporterTests
{
    [Fact]
    public async Task Reports_AtStart_OnEveryChange_AndEverySixtySeconds()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await Eventually.TrueAsync(() => api.State.StatusReports.Count == 1, "the first report");

        relay.Terminal.Set(Connected(5001));
        await Eventually.TrueAsync(() => api.State.StatusReports.Count == 2, "a report on connect");
        var report = api.State.StatusReports.Last();
        Assert.Contains("\"connected\":true", report, StringComparison.Ordinal);
        Assert.Contains("\"margin_level\":250.5", report, StringComparison.Ordinal);
        Assert.Contains("\"open_positions\":3", report, StringComparison.Ordinal);

        relay.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, api.State.StatusReports.Count);
        relay.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => api.State.StatusReports.Count == 3, "the periodic report");
    }

    [Fact]
    public async Task TerminalOfAnotherAccount_IsReportedAsNotConnected_WithTheReason()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);

        var report = relay.Status.BuildReport(Connected(6002));

        Assert.False(report.Connected);
        Assert.Contains("not the account allowed", report.Reason, StringComparison.Ordinal);
    }

    private static TerminalStatus Connected(long login) => new()
    {
        Connected = true,
        Account = new AccountInfo { Login = login, Server = "Broker-Demo", MarginMode = MarginMode.Hedging, Balance = 1000, Equity = 990, MarginLevel = 250.5, Leverage = 500 },
        OpenPositions = 3,
        TerminalPath = @"C:\Program Files\MetaTrader 5\terminal64.exe",
    };
}
