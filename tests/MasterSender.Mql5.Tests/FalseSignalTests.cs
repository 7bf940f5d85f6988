using System.Text.Json;

namespace MasterSender.Mql5.Tests;

/// <summary>
/// Issue 11, EA side: the terminal situations that used to make the EA report trades the master never made (an
/// empty list at start, a reconnect to the trade server, an account switch, moved tickets, lagging deals), each
/// run through the unchanged EA in the harsh emulation; the messages the relay receives are asserted exactly.
/// </summary>
public sealed class FalseSignalTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = EaRun.Wait;
    private const long Preloaded = 500000001;

    private static string Reason(Received m) => m.Json.GetProperty("reason").GetString() ?? "";

    private static JsonElement Pos(Received m) => m.Json.GetProperty("position");

    private static long[] Tickets(Received snapshot, string list) =>
        [.. snapshot.Json.GetProperty(list).EnumerateArray().Select(p => p.GetProperty("ticket").GetInt64())];

    private static string StepLine(Harness ea, string step) =>
        ea.WaitForLine(l => l.StartsWith("STEP " + step, StringComparison.Ordinal), Wait);

    private static long TicketFromStep(Harness ea, string step) =>
        long.Parse(StepLine(ea, step + " ").Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertNothingClosed(IEnumerable<Received> messages) =>
        Assert.DoesNotContain(messages, m => m.Type is "position_closed" or "order_removed");

    [Fact]
    public void Positions_loaded_4_s_after_start_are_in_the_first_snapshot_and_nothing_is_closed()
    {
        using var run = new EaRun("idle", "--late-sync-ms", "4000");
        (Received hello, Received snapshot) = run.Connected();
        Assert.Equal("connect", Reason(snapshot));
        Assert.Equal([Preloaded], Tickets(snapshot, "positions"));
        Assert.Equal([500000002L], Tickets(snapshot, "orders"));
        run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic", Wait);
        AssertNothingClosed(run.Relay.All);
        Assert.DoesNotContain(run.Relay.All, m => m.Type is "position" or "order");
        // The chart said what the EA waited for.
        Assert.Contains(run.Ea.Lines, l => l == "PRINT MasterSender waiting: waiting for the terminal to load positions and orders");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Lost_trade_server_keeps_the_book_and_the_reload_after_it_closes_nothing()
    {
        using var run = new EaRun("broker_reconnect");
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == t, Wait);
        StepLine(run.Ea, "disconnected");
        Received offline = run.Relay.WaitFor(m => m.Type == "snapshot" && !m.Json.GetProperty("connected").GetBoolean(), Wait);
        Assert.Equal("periodic", Reason(offline));
        // Once reconnected and reloaded, a resync snapshot with everything.
        Received resync = run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "resync", Wait);
        Assert.True(resync.Json.GetProperty("connected").GetBoolean());
        Assert.Equal(new long[] { Preloaded, t }, Tickets(resync, "positions").Order().ToArray());
        AssertNothingClosed(run.Relay.All);
        // No snapshot while the terminal was connected but still loading: every connected snapshot is complete.
        Assert.All(run.Relay.All.Where(m => m.Type == "snapshot" && Reason(m) != "connect" && m.Json.GetProperty("connected").GetBoolean()),
            m => Assert.Equal(2, Tickets(m, "positions").Length));
        Received closed = run.Relay.WaitFor("position_closed", Wait);
        Assert.Equal(t, closed.Json.GetProperty("identifier").GetInt64());
        Assert.True(closed.Json.GetProperty("deal").GetInt64() > 0);
        Assert.Single(run.Relay.All, m => m.Type == "position_closed");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Account_switch_ends_the_session_and_reports_the_new_account_in_a_new_one()
    {
        using var run = new EaRun("account_switch");
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == t, Wait);
        Received goodbye = run.Relay.WaitFor("goodbye", Wait);
        Assert.Equal(hello.Session, goodbye.Session);
        Assert.Equal("account_changed", Reason(goodbye));
        Received second = run.Relay.WaitFor("hello", Wait);
        Assert.NotEqual(hello.Session, second.Session);
        Assert.Equal(5012346, second.Json.GetProperty("account").GetProperty("login").GetInt64());
        Received snapshot = run.Relay.WaitFor(m => m.Type == "snapshot" && m.Session == second.Session, Wait);
        Assert.Equal([800000001L], Tickets(snapshot, "positions"));
        Assert.Equal(5012346, snapshot.Json.GetProperty("account").GetProperty("login").GetInt64());
        run.Relay.WaitFor(m => m.Type == "snapshot" && m.Session == second.Session && Reason(m) == "periodic", Wait);
        AssertNothingClosed(run.Relay.All);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
        EaRun.AssertSeqContiguous(run.Relay.All, second.Session);
    }

    [Fact]
    public void Swap_reopen_changes_the_ticket_of_the_same_position_and_closes_nothing()
    {
        using var run = new EaRun("swap_reopen");
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        long now = TicketFromStep(run.Ea, "reopened");
        Received moved = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == now, Wait);
        Assert.Equal(t, Pos(moved).GetProperty("identifier").GetInt64());
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("sl").GetDouble() == 1.07512, Wait);
        AssertNothingClosed(run.Relay.All);
        Received closed = run.Relay.WaitFor("position_closed", Wait);
        Assert.Equal(now, closed.Json.GetProperty("ticket").GetInt64());
        Assert.Equal(t, closed.Json.GetProperty("identifier").GetInt64());
        Assert.Equal(1.088, closed.Json.GetProperty("close_price").GetDouble());
        run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic", Wait);
        Assert.Single(run.Relay.All, m => m.Type == "position_closed");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Theory]
    [InlineData("close_by", 2)]
    [InlineData("stop_out", 3)]
    [InlineData("server_stops", 2)]
    public void Server_side_closes_are_each_reported_once_with_their_deal(string scenario, int closes)
    {
        using var run = new EaRun(scenario, "--deal-lag-ms", "500");
        (Received hello, _) = run.Connected();
        var closed = Enumerable.Range(0, closes).Select(_ => run.Relay.WaitFor("position_closed", Wait)).ToList();
        Assert.All(closed, c => Assert.True(c.Json.GetProperty("deal").GetInt64() > 0, c.ToString()));
        Assert.All(closed, c => Assert.Equal(c.Json.GetProperty("ticket").GetInt64(), c.Json.GetProperty("identifier").GetInt64()));
        double[] prices = [.. closed.Select(c => c.Json.GetProperty("close_price").GetDouble()).Order()];
        double[] expected = scenario switch
        {
            "close_by" => [1.086, 1.086],
            "stop_out" => [1.07, 1.23, 152.5],
            _ => [1.24, 1.09512],
        };
        Assert.Equal(expected.Order(), prices);
        run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic", Wait);
        Assert.Equal(closes, run.Relay.All.Count(m => m.Type == "position_closed"));
        Assert.DoesNotContain(run.Relay.All, m => m.Type == "position_closed" && m.Json.GetProperty("ticket").GetInt64() == Preloaded);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Stop_limit_activation_is_the_same_order_changing_type_not_a_removal()
    {
        using var run = new EaRun("stop_limit");
        (Received hello, _) = run.Connected();
        long o = TicketFromStep(run.Ea, "placed");
        Received limit = run.Relay.WaitFor(m => m.Type == "order" && m.Json.GetProperty("order").GetProperty("type").GetString() == "BUY_LIMIT", Wait);
        Assert.Equal(o, limit.Json.GetProperty("order").GetProperty("ticket").GetInt64());
        Assert.Equal(1.089, limit.Json.GetProperty("order").GetProperty("price_open").GetDouble());
        Assert.DoesNotContain(run.Relay.All, m => m.Type == "order_removed");
        Received filled = run.Relay.WaitFor("order_removed", Wait);
        Assert.Equal("filled", Reason(filled));
        Assert.Equal(o, filled.Json.GetProperty("position_id").GetInt64());
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Lookup_is_answered_with_state_evidence_or_after_10_s_with_deal_0()
    {
        using var run = new EaRun("open_modify_close");
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        run.Relay.WaitFor("position_closed", Wait);
        run.Relay.Send(hello, new
        {
            type = "lookup",
            positions = new object[]
            {
                new { ticket = Preloaded, identifier = Preloaded },
                new { ticket = t, identifier = t },
                new { ticket = 123456789L, identifier = 123456789L },
            },
            orders = new[] { 500000002L, 987654321L },
        });
        // Answered in the lookup's order: still open, closed with its deal, (the unknown one later), the order.
        Received open = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == Preloaded, Wait);
        Assert.Equal("XAUUSD", Pos(open).GetProperty("symbol").GetString());
        Received again = run.Relay.WaitFor(m => m.Type == "position_closed" && m.Json.GetProperty("ticket").GetInt64() == t, Wait);
        Assert.True(again.Json.GetProperty("deal").GetInt64() > 0);
        Received order = run.Relay.WaitFor(m => m.Type == "order", Wait);
        Assert.Equal(500000002L, order.Json.GetProperty("order").GetProperty("ticket").GetInt64());
        // Nothing in history for the unknown ones: answered only once the EA gives up.
        Received unknown = run.Relay.WaitFor(m => m.Type == "position_closed" && m.Json.GetProperty("ticket").GetInt64() == 123456789L, Wait);
        Assert.Equal(0, unknown.Json.GetProperty("deal").GetInt64());
        static bool IsUnknownOrder(Received m) => m.Type == "order_removed" && m.Json.GetProperty("ticket").GetInt64() == 987654321L;
        Received unknownOrder = run.Relay.All.FirstOrDefault(IsUnknownOrder) ?? run.Relay.WaitFor(IsUnknownOrder, Wait);
        Assert.Equal("unknown", Reason(unknownOrder));
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void An_idle_connection_stays_up_for_10_emulated_minutes_without_a_reconnect()
    {
        int port = Harness.FreePort();
        using var relay = new FakeRelay(port);
        // 20x, and emulated time waits for each heartbeat's answer: a loaded machine's scheduling delays must not
        // look like a silent relay (the EA's 5 s limit would be 0.25 s of wall time).
        using Harness ea = Harness.Start(port, "idle", 600, "--speed", "20", "--await-relay", "1");
        string stats = ea.WaitForLine(l => l.StartsWith("STATS ", StringComparison.Ordinal), TimeSpan.FromSeconds(400));
        Assert.True(stats.Contains(" sockets_created=1 ", StringComparison.Ordinal),
            stats + "\n" + string.Join("\n", ea.Lines.Where(l => l.StartsWith("PRINT", StringComparison.Ordinal))));
        Assert.Contains(" connect_failures=0 ", stats, StringComparison.Ordinal);
        relay.Pump(TimeSpan.FromMilliseconds(200));
        Assert.Single(relay.All, m => m.Type == "hello");
        Assert.True(relay.All.Count(m => m.Type == "heartbeat") > 500, "heartbeats kept flowing");
    }

    // 500 positions and 50 orders: while nothing changes a tick reads each item once (about 10 builtin calls per
    // item) and sends nothing but the heartbeat and the periodic snapshot; trailing every SL each tick sends one
    // position message per change and never a snapshot on top.
    [Fact]
    public void With_500_positions_and_50_orders_a_tick_sends_only_what_changed()
    {
        using var run = new EaRun("many", "--trail", "1");
        (Received hello, Received snapshot) = run.Connected();
        Assert.Equal(501, snapshot.Json.GetProperty("positions").GetArrayLength()); // and the preloaded one
        Assert.Equal(51, snapshot.Json.GetProperty("orders").GetArrayLength());
        string idle = run.Ea.WaitForLine(l => l.StartsWith("COST idle ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        string trailing = run.Ea.WaitForLine(l => l.StartsWith("COST trailing ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        output.WriteLine(idle);
        output.WriteLine(trailing);
        double idleCalls = Figure(idle, "calls_per_tick");
        Assert.InRange(idleCalls, 550, 550 * 12);
        // Idle: one 140 KB snapshot every 5 s (100 ticks when the timer keeps time; fewer when a loaded machine makes
        // it slip) and a heartbeat a second: a few KB a tick at most, against ~135 KB if every tick sent a snapshot.
        Assert.InRange(Figure(idle, "bytes_per_tick"), 1, 5000);
        StepLine(run.Ea, "measured");
        run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic" && m.Seq > 600, TimeSpan.FromSeconds(30));
        Assert.True(run.Relay.All.Count(m => m.Type == "position") >= 500, "trailed positions were sent as position messages");
        Assert.DoesNotContain(run.Relay.All, m => m.Type == "snapshot" && Reason(m) == "changed");
        AssertNothingClosed(run.Relay.All);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    private static double Figure(string line, string name) => double.Parse(
        line.Split(' ').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..],
        System.Globalization.CultureInfo.InvariantCulture);
}
