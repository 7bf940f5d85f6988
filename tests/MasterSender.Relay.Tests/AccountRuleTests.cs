using System.Text.Json;
using MasterSender.Ingress.Tests;
using MasterSender.Simulator;

namespace MasterSender.Relay.Tests;

/// <summary>The page and the API's status report judge the terminal by the same rule (they once disagreed: the API was
/// told path_mismatch for the very terminal whose exe was registered, while the page showed nothing).</summary>
public sealed class AccountRuleTests
{
    [Theory]
    [InlineData(@"C:\Program Files\MetaTrader 5\terminal64.exe", @"C:\Program Files\MetaTrader 5", false)]
    [InlineData(@"C:\Program Files\MetaTrader 5\terminal64.exe", @"D:\Other MT5", true)]
    public async Task The_page_and_the_status_report_agree_on_whether_this_is_the_registered_terminal(string mt5Path, string terminalPath, bool mismatch)
    {
        await using var relay = await RelayUnderTest.StartAsync();
        relay.Api.Mt5Path = mt5Path;
        using var browser = await relay.LogInThroughThePageAsync();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true, TerminalPath = terminalPath });
        Assert.True((await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30))).Accepted);

        var report = await ReportOfConnectedTerminalAsync(relay);
        using var status = JsonDocument.Parse(await browser.GetStringAsync("/api/status"));
        var page = status.RootElement.GetProperty("terminal");

        Assert.Equal(mismatch, report.GetProperty("path_mismatch").GetBoolean());
        Assert.Equal(mismatch, page.GetProperty("path_mismatch").GetBoolean());
        Assert.Equal(mismatch, page.GetProperty("warning").GetString()!.Contains(terminalPath, StringComparison.Ordinal));
        Assert.Equal(terminalPath, page.GetProperty("terminal_path").GetString());
        Assert.Equal(mt5Path, page.GetProperty("registered_mt5_path").GetString());
    }

    private static async Task<JsonElement> ReportOfConnectedTerminalAsync(RelayUnderTest relay)
    {
        string? connected = null;
        await Eventually.True(
            () => (connected = relay.Api.StatusReports.LastOrDefault(json => json.Contains("\"connected\":true", StringComparison.Ordinal))) is not null,
            "a status report of the connected terminal reached the API");
        return JsonDocument.Parse(connected!).RootElement;
    }
}
