using System.Text.Json;

namespace MasterSender.Mql5.Tests;

/// <summary>Scripted trading in the emulated terminal; the relay must see each change as state.</summary>
public sealed class TradeEventTests
{
    private static readonly TimeSpan Wait = EaRun.Wait;

    private static string Reason(Received m) => m.Json.GetProperty("reason").GetString() ?? "";

    private static JsonElement Pos(Received m) => m.Json.GetProperty("position");

    private static JsonElement[] Positions(Received snapshot) => [.. snapshot.Json.GetProperty("positions").EnumerateArray()];

    private static JsonElement[] Orders(Received snapshot) => [.. snapshot.Json.GetProperty("orders").EnumerateArray()];

    private static long TicketFromStep(Harness ea, string step) =>
        long.Parse(ea.WaitForLine(l => l.StartsWith("STEP " + step + " ", StringComparison.Ordinal), Wait).Split(' ')[2],
            System.Globalization.CultureInfo.InvariantCulture);

    // Deal lag: the closing deal reaches history up to 500 ms after the position left the list; a slow handler
    // makes the timer slip (events coalesce); SocketIsReadable may answer 1 on an empty buffer. None may change
    // what is sent.
    [Theory]
    [InlineData()]
    [InlineData("--deal-lag-ms", "500")]
    [InlineData("--slow-handler-ms", "120")]
    [InlineData("--speculative-one", "1")]
    public void Market_open_modify_partial_close_and_close_arrive_as_position_states(params string[] extra)
    {
        using var run = new EaRun("open_modify_close", extra);
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        Received opened = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == t, Wait);
        Assert.Equal("EURUSD", Pos(opened).GetProperty("symbol").GetString());
        Assert.Equal("BUY", Pos(opened).GetProperty("type").GetString());
        Assert.Equal(0.1, Pos(opened).GetProperty("volume").GetDouble());
        Assert.Equal(1.08512, Pos(opened).GetProperty("price_open").GetDouble());

        Received modified = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("sl").GetDouble() == 1.07512, Wait);
        Assert.Equal(1.09512, Pos(modified).GetProperty("tp").GetDouble());
        Received partial = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("volume").GetDouble() == 0.06, Wait);
        Assert.Equal(t, Pos(partial).GetProperty("ticket").GetInt64());

        Received closed = run.Relay.WaitFor("position_closed", Wait);
        Assert.Equal(t, closed.Json.GetProperty("ticket").GetInt64());
        Assert.Equal(t, closed.Json.GetProperty("identifier").GetInt64());
        Assert.Equal(0.06, closed.Json.GetProperty("volume").GetDouble());
        Assert.Equal(1.088, closed.Json.GetProperty("close_price").GetDouble());
        Assert.True(closed.Json.GetProperty("deal").GetInt64() > 0);
        Assert.True(closed.Json.GetProperty("time_msc").GetInt64() > 1_700_000_000_000);
        Received after = run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic", Wait);
        Assert.DoesNotContain(Positions(after), p => p.GetProperty("ticket").GetInt64() == t);
        Assert.Single(run.Relay.All, m => m.Type == "position_closed");
        // Each state once: an event's send is not repeated by the timer, and no snapshot follows it.
        Assert.Equal(3, run.Relay.All.Count(m => m.Type == "position"));
        Assert.DoesNotContain(run.Relay.All, m => m.Type == "snapshot" && Reason(m) == "changed");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
        run.Ea.Stop(Wait);
        Assert.True(MaxHandlerMs(run.Ea) < 50, "a handler blocked the terminal: " + MaxHandlerMs(run.Ea) + " ms");
    }

    private static double MaxHandlerMs(Harness ea)
    {
        string stats = ea.WaitForLine(l => l.StartsWith("STATS ", StringComparison.Ordinal), Wait);
        return double.Parse(stats.Split(' ')[1].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    // History lag: the order's history record appears only with its HISTORY_ADD, after the ORDER_DELETE.
    [Theory]
    [InlineData("0")]
    [InlineData("400")]
    public void Pending_orders_are_sent_placed_modified_and_removed_with_the_history_reason(string historyLagMs)
    {
        using var run = new EaRun("pending", "--history-lag-ms", historyLagMs);
        (Received hello, _) = run.Connected();
        long a = TicketFromStep(run.Ea, "placed");
        Received placed = run.Relay.WaitFor(m => m.Type == "order" && m.Json.GetProperty("order").GetProperty("ticket").GetInt64() == a, Wait);
        JsonElement o = placed.Json.GetProperty("order");
        Assert.Equal("BUY_LIMIT", o.GetProperty("type").GetString());
        Assert.Equal(0.2, o.GetProperty("volume").GetDouble());
        Assert.Equal(1.07, o.GetProperty("price_open").GetDouble());
        Assert.Equal("GTC", o.GetProperty("type_time").GetString());
        run.Relay.WaitFor(m => m.Type == "order" && m.Json.GetProperty("order").GetProperty("price_open").GetDouble() == 1.071, Wait);
        Received cancelled = run.Relay.WaitFor("order_removed", Wait);
        Assert.Equal(a, cancelled.Json.GetProperty("ticket").GetInt64());
        Assert.Equal("cancelled", Reason(cancelled));
        Assert.Equal(0, cancelled.Json.GetProperty("position_id").GetInt64());

        Received filled = run.Relay.WaitFor("order_removed", Wait);
        Assert.Equal("filled", Reason(filled));
        long b = filled.Json.GetProperty("ticket").GetInt64();
        Assert.Equal(b, filled.Json.GetProperty("position_id").GetInt64());
        Received expired = run.Relay.WaitFor("order_removed", Wait);
        Assert.Equal("expired", Reason(expired));
        Received last = run.Relay.WaitFor(m => m.Type == "snapshot", Wait);
        Assert.Contains(Positions(last), p => p.GetProperty("ticket").GetInt64() == b && p.GetProperty("type").GetString() == "SELL");
        Assert.Single(Orders(last));
        Assert.Contains(run.Relay.All, m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == b);
        Assert.Contains(run.Relay.All, m => m.Type == "order" && m.Json.GetProperty("order").GetProperty("type").GetString() == "BUY_STOP_LIMIT");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Events_in_shuffled_order_give_the_same_outcome()
    {
        using var run = new EaRun("shuffled");
        (Received hello, _) = run.Connected();
        // The first periodic snapshot comes 5 s (emulated) after the last change: the final state.
        Received final = run.Relay.WaitFor(m => m.Type == "snapshot" && Reason(m) == "periodic", TimeSpan.FromSeconds(20));
        Assert.Contains(run.Ea.Lines, l => l == "STEP script-done");
        Assert.Single(Positions(final), p => p.GetProperty("symbol").GetString() == "GBPUSD");
        Assert.DoesNotContain(Positions(final), p => p.GetProperty("symbol").GetString() == "EURUSD");
        Assert.Single(run.Relay.All, m => m.Type == "position_closed");
        string[] reasons = [.. run.Relay.All.Where(m => m.Type == "order_removed").Select(Reason).Order()];
        Assert.Equal(["cancelled", "expired", "filled"], reasons);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("400")]
    public void Lost_events_are_caught_by_the_timer_within_a_tick(string historyLagMs)
    {
        using var run = new EaRun("lost_events", "--history-lag-ms", historyLagMs);
        (Received hello, _) = run.Connected();
        long t = TicketFromStep(run.Ea, "opened");
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("ticket").GetInt64() == t, Wait);
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("sl").GetDouble() == 1.07512, Wait);
        // No event named the closing deal: the EA found it in the position's history.
        Received closed = run.Relay.WaitFor("position_closed", Wait);
        Assert.Equal(t, closed.Json.GetProperty("ticket").GetInt64());
        Assert.True(closed.Json.GetProperty("deal").GetInt64() > 0);
        Assert.Equal(1.088, closed.Json.GetProperty("close_price").GetDouble());
        string[] reasons = [.. Enumerable.Range(0, 3).Select(_ => Reason(run.Relay.WaitFor("order_removed", Wait))).Order()];
        Assert.Equal(["cancelled", "expired", "filled"], reasons);
        Assert.DoesNotContain(run.Relay.All, m => m.Type == "snapshot" && Reason(m) == "changed");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Removal_reason_is_unknown_when_history_stays_silent_past_the_grace_period()
    {
        using var run = new EaRun("lost_events", "--history-lag-ms", "60000");
        (Received hello, _) = run.Connected();
        Received cancelled = run.Relay.WaitFor("order_removed", Wait);
        Assert.Equal("unknown", Reason(cancelled));
        Assert.Equal(0, cancelled.Json.GetProperty("position_id").GetInt64());
        Received gone = run.Relay.All.Last(m => m.Type == "snapshot");
        Assert.DoesNotContain(Orders(gone), o => o.GetProperty("ticket").GetInt64() == cancelled.Json.GetProperty("ticket").GetInt64());
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void A_full_1024_event_queue_is_drained_quickly_and_the_final_state_wins()
    {
        using var run = new EaRun("queue_overflow");
        (Received hello, _) = run.Connected();
        string queued = run.Ea.WaitForLine(l => l.StartsWith("STEP queued", StringComparison.Ordinal), Wait);
        Assert.Equal("STEP queued 1024 overflowed 1981", queued);
        Received final = run.Relay.WaitFor(m => m.Type == "snapshot" && Positions(m).Any(p => p.GetProperty("sl").GetDouble() == 1.015), Wait);
        Assert.Single(Positions(final), p => p.GetProperty("volume").GetDouble() == 1.0);
        Received lastState = run.Relay.All.Last(m => m.Type == "position");
        Assert.Equal(1.015, Pos(lastState).GetProperty("sl").GetDouble());
        run.Ea.Stop(Wait);
        Assert.True(MaxHandlerMs(run.Ea) < 50, "a handler blocked the terminal: " + MaxHandlerMs(run.Ea) + " ms");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Netting_account_adds_reverses_and_closes_one_position()
    {
        using var run = new EaRun("netting");
        (Received hello, Received snapshot) = run.Connected();
        Assert.Equal("netting", hello.Json.GetProperty("account").GetProperty("margin_mode").GetString());
        Assert.Equal("netting", snapshot.Json.GetProperty("account").GetProperty("margin_mode").GetString());
        long t = TicketFromStep(run.Ea, "opened");
        run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("volume").GetDouble() == 0.2, Wait);
        // The reversal gives the position the reversing order's ticket; its identifier stays.
        Received reversed = run.Relay.WaitFor(m => m.Type == "position" && Pos(m).GetProperty("type").GetString() == "SELL", Wait);
        long reversedTicket = Pos(reversed).GetProperty("ticket").GetInt64();
        Assert.NotEqual(t, reversedTicket);
        Assert.Equal(t, Pos(reversed).GetProperty("identifier").GetInt64());
        Assert.Equal(0.1, Pos(reversed).GetProperty("volume").GetDouble(), 10);
        Received closed = run.Relay.WaitFor("position_closed", Wait);
        Assert.Equal(reversedTicket, closed.Json.GetProperty("ticket").GetInt64());
        Assert.Equal(t, closed.Json.GetProperty("identifier").GetInt64());
        Assert.Equal(1.101, closed.Json.GetProperty("close_price").GetDouble());
        Assert.True(closed.Json.GetProperty("deal").GetInt64() > 0);
        Assert.Single(run.Relay.All, m => m.Type == "position_closed");
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }
}
