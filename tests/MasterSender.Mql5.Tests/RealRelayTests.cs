using MasterSender.Broadcast;
using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Mql5.Tests;

/// <summary>
/// The unchanged EA, compiled by g++, against the real relay (as `run` composes it) and a sandbox API that checks
/// every signature: EA and relay cannot disagree on the wire without one of these failing.
/// </summary>
public sealed class RealRelayTests : IAsyncLifetime
{
    private const long Login = 5012345;
    private WebApplication _sandbox = null!;
    private WebApplication _relay = null!;
    private SandboxApiState _api = null!;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("ms-ea-relay-").FullName;
        _api = new SandboxApiState { Username = "provider", Password = "pw", AllowedMt5Id = Login };
        _sandbox = await SandboxHosting.StartOnLoopbackAsync(_api);

        await StartRelayAsync("0");
    }

    /// <summary>Starts the relay on ingressPort ("0": any free port) over the test's storage folder.</summary>
    private async Task StartRelayAsync(string ingressPort)
    {
        _relay = await RelayInProcess.StartLoggedInAsync(_folder, _sandbox.Urls.First(), ingressPort);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
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

    private int EaPort => _relay.Services.GetRequiredService<IngressService>().Port;

    private static async Task Until(Func<bool> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what + state?.Invoke());
            await Task.Delay(10);
        }
    }

    private async Task<string[]> RunAsync(string scenario, int expectedSignals)
    {
        using var ea = Harness.Start(EaPort, scenario, 60, "--login", Login.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Until(() => _api.ReceivedCount >= expectedSignals, $"{expectedSignals} signals at the API", () => $" (have {_api.ReceivedCount}: {string.Join(",", _api.Received.Select(r => r.Action))})");
        ea.Stop(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _api.BadSignatures);
        Assert.Equal(0, _api.Duplicates);
        return [.. _api.Received.Select(r => r.Action)];
    }

    [Fact]
    public async Task Open_modify_partial_close_and_close_reach_the_API_once_each()
    {
        var actions = await RunAsync("open_modify_close", 4);

        Assert.Equal(["OPEN", "MODIFY", "PARTIAL_CLOSE", "CLOSE"], actions);
    }

    [Fact]
    public async Task Pending_orders_placed_modified_cancelled_filled_and_expired()
    {
        await RunAsync("pending", 8);

        // Order is kept per ticket; different tickets go in parallel (docs/api-contract.md). A fill's position
        // carries the order's ticket, so its OPEN queues behind the ORDER_DELETED.
        var perTicket = _api.Received.GroupBy(r => r.Ticket).Select(ticket => string.Join(" ", ticket.OrderBy(r => r.Sequence).Select(Describe))).Order(StringComparer.Ordinal);
        Assert.Equal(
        [
            "ORDER_PLACED ORDER_DELETED:expired",
            "ORDER_PLACED ORDER_DELETED:filled OPEN",
            "ORDER_PLACED ORDER_MODIFIED ORDER_DELETED:cancelled",
        ], perTicket);

        static string Describe(MasterSender.SandboxApi.ReceivedSignal signal) => signal.Action == "ORDER_DELETED"
            ? "ORDER_DELETED:" + System.Text.Json.JsonDocument.Parse(signal.Body).RootElement.GetProperty("reason").GetString()
            : signal.Action;
    }

    [Fact]
    public async Task Netting_increase_reversal_and_close()
    {
        var actions = await RunAsync("netting", 5);

        Assert.Equal(["OPEN", "INCREASE", "CLOSE", "OPEN", "CLOSE"], actions);
    }

    [Fact]
    public async Task With_every_trade_event_lost_the_50ms_reconciliation_still_delivers_the_trade()
    {
        var actions = await RunAsync("lost_events", 4);

        Assert.Equal("OPEN", actions[0]);
        Assert.Contains("CLOSE", actions);
    }

    /// <summary>
    /// Runs the scenario to its end (the harness exits by itself), waits for the expected number of signals, and
    /// returns every signal the API received: false ones would be in the list.
    /// </summary>
    private async Task<ReceivedSignal[]> RunToEndAsync(string scenario, int expectedSignals, params string[] extra)
    {
        using var ea = Harness.Start(EaPort, scenario, 6, [.. extra, "--login", Login.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        ea.WaitForLine(l => l.StartsWith("STATS ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await Until(() => _api.ReceivedCount >= expectedSignals, $"{expectedSignals} signals at the API", () => $" (have {_api.ReceivedCount}: {string.Join(",", _api.Received.Select(r => r.Action))})");
        Assert.Equal(0, _api.BadSignatures);
        Assert.Equal(0, _api.Duplicates);
        return [.. _api.Received.OrderBy(r => r.Sequence)];
    }

    private static string[] Actions(IEnumerable<ReceivedSignal> signals) => [.. signals.Select(r => r.Action)];

    // Issue 11: the terminal situations that used to produce trades the master never made. Each asserts the exact
    // list of signals: nothing for the preloaded position, nothing around the ticket change or the reload.
    [Theory]
    [InlineData("--late-sync-ms", "4000")]
    [InlineData("--deal-lag-ms", "500")]
    [InlineData("--slow-handler-ms", "120")]
    public async Task Late_list_load_lagging_deals_and_a_slow_timer_change_no_signal(string option, string value)
    {
        var signals = await RunToEndAsync("open_modify_close", 4, option, value);

        Assert.Equal(["OPEN", "MODIFY", "PARTIAL_CLOSE", "CLOSE"], Actions(signals));
        Assert.Contains("1.088", signals[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lost_trade_server_and_reload_give_no_CLOSE_or_reopen()
    {
        var signals = await RunToEndAsync("broker_reconnect", 3);

        Assert.Equal(["OPEN", "MODIFY", "CLOSE"], Actions(signals));
    }

    [Fact]
    public async Task Account_switch_closes_nothing_of_the_first_account()
    {
        var signals = await RunToEndAsync("account_switch", 1);

        Assert.Equal(["OPEN"], Actions(signals));
    }

    [Fact]
    public async Task Swap_reopen_with_a_new_ticket_is_the_same_position_to_followers()
    {
        var signals = await RunToEndAsync("swap_reopen", 3);

        Assert.Equal(["OPEN", "MODIFY", "CLOSE"], Actions(signals));
        Assert.Single(signals.Select(s => s.Ticket).Distinct());
    }

    [Theory]
    [InlineData("close_by", 2)]
    [InlineData("stop_out", 3)]
    [InlineData("server_stops", 2)]
    public async Task Server_side_closes_give_one_CLOSE_per_position(string scenario, int positions)
    {
        var signals = await RunToEndAsync(scenario, positions * 2, "--deal-lag-ms", "500");

        Assert.All(signals.GroupBy(s => s.Ticket), ticket => Assert.Equal(["OPEN", "CLOSE"], Actions(ticket)));
        Assert.Equal(positions, signals.Select(s => s.Ticket).Distinct().Count());
    }

    [Fact]
    public async Task Stop_limit_activation_is_no_deletion()
    {
        var signals = await RunToEndAsync("stop_limit", 3);

        Assert.DoesNotContain(signals, s => s.Action == "ORDER_DELETED" && !s.Body.Contains("filled", StringComparison.Ordinal));
        Assert.Equal("ORDER_PLACED", signals[0].Action);
        Assert.Contains(signals, s => s.Action == "OPEN");
    }

    [Fact]
    public async Task Relay_restarted_between_open_and_close_sends_each_once()
    {
        string go = Path.Combine(_folder, "go");
        int port = EaPort;
        using var ea = Harness.Start(port, "relay_restart", 4, "--go-file", go, "--login", Login.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Until(() => _api.ReceivedCount >= 1, "the OPEN");
        await _relay.StopAsync();
        await _relay.DisposeAsync();
        await StartRelayAsync(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(go, "");
        ea.WaitForLine(l => l.StartsWith("STATS ", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        await Until(() => _api.ReceivedCount >= 2, "the CLOSE", () => $" (have {string.Join(",", _api.Received.Select(r => r.Action))})");

        Assert.Equal(["OPEN", "CLOSE"], Actions(_api.Received.OrderBy(r => r.Sequence)));
        Assert.Equal(0, _api.Duplicates);
        Assert.Contains(ea.Lines, l => l == "STEP go");
    }
}
