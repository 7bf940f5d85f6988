using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using static MasterSender.Core.Tests.Trades;

namespace MasterSender.Core.Tests.Book;

public class TradeBookTests
{
    private const long Now = 1_800_000_000_000;

    /// <summary>A book that has seen its first (empty) snapshot, as after a terminal's first connect.</summary>
    private static TradeBook Started(params PositionState[] positions)
    {
        var book = new TradeBook(Login);
        book.ApplySnapshot(Snapshot(positions), Now);
        return book;
    }

    private static IReadOnlyList<Signal> Event(TradeBook book, EaMessage message) => book.Apply(message, Now);

    private static PositionUpdate Update(PositionState position) => new() { Session = Session, Seq = 3, Position = position };

    private static OrderUpdate Update(OrderState order) => new() { Session = Session, Seq = 3, Order = order };

    /// <summary>A position_closed with its closing deal (evidence) unless <paramref name="deal"/> is 0.</summary>
    private static PositionClosed Closed(long ticket, double price = 0, long deal = 9_000, long timeMsc = 0, long identifier = 0) =>
        new() { Session = Session, Seq = 3, Ticket = ticket, Identifier = identifier, ClosePrice = price, Deal = deal, TimeMsc = timeMsc };

    private static OrderRemoved Removed(long ticket, string reason = OrderRemovalReasons.Unknown, long positionId = 0) =>
        new() { Session = Session, Seq = 3, Ticket = ticket, Reason = reason, PositionId = positionId };

    private static SignalAction[] Actions(IEnumerable<Signal> signals) => signals.Select(s => s.Action).ToArray();

    [Fact]
    public void A_new_position_is_an_OPEN_with_the_seed_fields()
    {
        var book = Started();

        var signal = Assert.Single(Event(book, Update(Position(100, PositionSide.Sell, 0.3, sl: 1.09, tp: 1.07))));

        Assert.Equal(SignalAction.Open, signal.Action);
        Assert.Equal(100, signal.MasterTicket);
        Assert.Equal("EURUSD", signal.Symbol);
        Assert.Equal("SELL", signal.Type);
        Assert.Equal(0.3, signal.Volume);
        Assert.Equal(1.085, signal.Price);
        Assert.Equal(1.09, signal.Sl);
        Assert.Equal(1.07, signal.Tp);
        Assert.Equal(Login, signal.MasterLogin);
        Assert.Equal(Now, signal.DetectedAtMs);
        Assert.Equal($"{Login}-P100-1", signal.IdempotencyKey);
    }

    [Fact]
    public void The_same_state_twice_yields_nothing()
    {
        var book = Started();
        Event(book, Update(Position(100)));

        Assert.Empty(Event(book, Update(Position(100))));
        Assert.Empty(book.ApplySnapshot(Snapshot([Position(100)]), Now));
    }

    [Fact]
    public void An_SL_or_TP_change_is_a_MODIFY_with_the_previous_values()
    {
        var book = Started(Position(100, sl: 1.08));

        var signal = Assert.Single(Event(book, Update(Position(100, sl: 1.081, tp: 1.1))));

        Assert.Equal(SignalAction.Modify, signal.Action);
        Assert.Equal(1.081, signal.Sl);
        Assert.Equal(1.1, signal.Tp);
        Assert.Equal(1.08, signal.PreviousSl);
        Assert.Equal(0, signal.PreviousTp);
    }

    [Fact]
    public void Removing_SL_is_a_MODIFY_to_zero()
    {
        var book = Started(Position(100, sl: 1.08));

        var signal = Assert.Single(Event(book, Update(Position(100))));

        Assert.Equal(0, signal.Sl);
    }

    [Fact]
    public void A_price_move_alone_is_not_a_signal()
    {
        var book = Started(Position(100));

        Assert.Empty(Event(book, Update(Position(100) with { PriceCurrent = 1.2, Profit = 55 })));
    }

    [Fact]
    public void Volume_down_on_an_open_position_is_a_PARTIAL_CLOSE()
    {
        var book = Started(Position(100, volume: 1.0));

        var signal = Assert.Single(Event(book, Update(Position(100, volume: 0.4))));

        Assert.Equal(SignalAction.PartialClose, signal.Action);
        Assert.Equal(0.4, signal.Volume);
        Assert.Equal(1.0, signal.PreviousVolume);
    }

    [Fact]
    public void Partial_close_and_SL_change_together_give_both_signals_volume_first()
    {
        var book = Started(Position(100, volume: 1.0));

        Assert.Equal([SignalAction.PartialClose, SignalAction.Modify], Actions(Event(book, Update(Position(100, volume: 0.5, sl: 1.07)))));
    }

    [Fact]
    public void A_closed_position_is_a_CLOSE_at_the_deal_price()
    {
        var book = Started(Position(100, volume: 0.7, sl: 1.08));

        var signal = Assert.Single(Event(book, Closed(100, price: 1.0921)));

        Assert.Equal(SignalAction.Close, signal.Action);
        Assert.Equal(0.7, signal.Volume);
        Assert.Equal(1.0921, signal.Price);
        Assert.Empty(book.Positions);
    }

    [Fact]
    public void A_CLOSE_without_a_deal_price_uses_the_last_known_price()
    {
        var book = Started(Position(100));

        var signal = Assert.Single(Event(book, Closed(100, price: 0)));

        Assert.Equal(SignalAction.Close, signal.Action);
        Assert.Equal(1.0855, signal.Price);
    }

    [Fact]
    public void Closing_an_unknown_ticket_yields_nothing()
    {
        var book = Started();

        Assert.Empty(Event(book, Closed(999)));
    }

    [Fact]
    public void Close_by_closes_both_positions()
    {
        var book = Started(Position(100, PositionSide.Buy), Position(101, PositionSide.Sell));

        // The EA reports both, each with the close-by deal (DEAL_ENTRY_OUT_BY) as evidence.
        var signals = Event(book, Closed(100, deal: 9_001)).Concat(Event(book, Closed(101, deal: 9_001))).ToList();

        Assert.Equal([SignalAction.Close, SignalAction.Close], Actions(signals));
        Assert.Equal([100L, 101L], signals.Select(s => s.MasterTicket));
    }

    [Fact]
    public void Netting_volume_up_is_an_INCREASE_at_the_new_average_price()
    {
        var book = Started(Position(100, volume: 0.1));

        var signal = Assert.Single(Event(book, Update(Position(100, volume: 0.3) with { PriceOpen = 1.0875 })));

        Assert.Equal(SignalAction.Increase, signal.Action);
        Assert.Equal(0.3, signal.Volume);
        Assert.Equal(0.1, signal.PreviousVolume);
        Assert.Equal(1.0875, signal.Price);
    }

    [Fact]
    public void A_netting_reversal_is_a_CLOSE_of_the_old_direction_then_an_OPEN_of_the_new()
    {
        var book = Started(Position(100, PositionSide.Buy, volume: 0.5));

        var signals = Event(book, Update(Position(100, PositionSide.Sell, volume: 0.2) with { PriceOpen = 1.1 }));

        Assert.Equal([SignalAction.Close, SignalAction.Open], Actions(signals));
        Assert.Equal(("BUY", 0.5, 1.1), (signals[0].Type, signals[0].Volume, signals[0].Price));
        Assert.Equal(("SELL", 0.2), (signals[1].Type, signals[1].Volume));
        Assert.NotEqual(signals[0].IdempotencyKey, signals[1].IdempotencyKey);
    }

    [Fact]
    public void Pending_orders_are_placed_modified_and_cancelled()
    {
        var book = Started();

        var placed = Assert.Single(Event(book, Update(Order(200, PendingOrderType.BuyStopLimit, price: 1.09) with { PriceStopLimit = 1.088 })));
        var modified = Assert.Single(Event(book, Update(Order(200, PendingOrderType.BuyStopLimit, price: 1.091, sl: 1.07) with { PriceStopLimit = 1.088 })));
        var deleted = Assert.Single(Event(book, Removed(200, OrderRemovalReasons.Cancelled)));

        Assert.Equal((SignalAction.OrderPlaced, "BUY_STOP_LIMIT", 1.09, (double?)1.088), (placed.Action, placed.Type, placed.Price, placed.PriceStopLimit));
        Assert.Equal((SignalAction.OrderModified, 1.091, 1.07), (modified.Action, modified.Price, modified.Sl));
        Assert.Equal((SignalAction.OrderDeleted, "cancelled"), (deleted.Action, deleted.Reason));
        Assert.Equal([$"{Login}-O200-1", $"{Login}-O200-2", $"{Login}-O200-3"], new[] { placed, modified, deleted }.Select(s => s.IdempotencyKey));
    }

    [Fact]
    public void A_stop_limit_that_triggers_into_a_limit_is_an_ORDER_MODIFIED()
    {
        var book = Started();
        Event(book, Update(Order(200, PendingOrderType.SellStopLimit)));

        var signal = Assert.Single(Event(book, Update(Order(200, PendingOrderType.SellLimit))));

        Assert.Equal((SignalAction.OrderModified, "SELL_LIMIT"), (signal.Action, signal.Type));
    }

    [Fact]
    public void A_filled_order_reported_first_then_its_position_gives_ORDER_DELETED_filled_and_an_OPEN_carrying_the_order()
    {
        var book = Started();
        Event(book, Update(Order(300)));

        var deleted = Assert.Single(Event(book, Removed(300, OrderRemovalReasons.Filled, positionId: 300)));
        var open = Assert.Single(Event(book, Update(Position(300))));

        Assert.Equal(("filled", 300L), (deleted.Reason, deleted.PositionId));
        Assert.Equal((SignalAction.Open, (long?)300), (open.Action, open.OrderTicket));
    }

    [Fact]
    public void A_fill_whose_position_arrives_before_the_order_removal_is_recognised_both_ways()
    {
        var book = Started();
        Event(book, Update(Order(300)));

        var open = Assert.Single(Event(book, Update(Position(300))));
        var deleted = Assert.Single(Event(book, Removed(300)));

        Assert.Equal(300, open.OrderTicket);
        Assert.Equal("filled", deleted.Reason);
    }

    [Fact]
    public void A_fill_seen_only_in_a_snapshot_is_ORDER_DELETED_filled_then_OPEN()
    {
        var book = Started();
        Event(book, Update(Order(300)));

        var signals = book.ApplySnapshot(Snapshot([Position(300)]), Now);

        Assert.Equal([SignalAction.OrderDeleted, SignalAction.Open], Actions(signals));
        Assert.Equal("filled", signals[0].Reason);
        Assert.Equal(300, signals[1].OrderTicket);
    }

    [Fact]
    public void An_order_gone_after_its_expiration_time_is_unconfirmed_until_its_history_says_expired()
    {
        var book = Started();
        Event(book, Update(Order(400, expirationMsc: 1_732_400_050_000)));

        Assert.Empty(book.ApplySnapshot(Snapshot(serverTime: 1_732_400_050), Now));
        var signal = Assert.Single(Event(book, Removed(400, OrderRemovalReasons.Expired)));

        Assert.Equal((SignalAction.OrderDeleted, "expired"), (signal.Action, signal.Reason));
        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void An_order_gone_without_a_known_cause_is_unconfirmed_not_deleted()
    {
        var book = Started();
        Event(book, Update(Order(400)));

        Assert.Empty(book.ApplySnapshot(Snapshot(), Now));
        Assert.Empty(Event(book, Removed(400, OrderRemovalReasons.Unknown)));

        var unconfirmed = Assert.Single(book.Unconfirmed);
        Assert.Equal((UnconfirmedKinds.Order, 400L, Now), (unconfirmed.Kind, unconfirmed.Ticket, unconfirmed.SinceMs));
        Assert.True(book.Orders.ContainsKey(400));
    }

    [Fact]
    public void A_lost_event_is_found_by_the_next_snapshot()
    {
        var book = Started(Position(100));
        // The terminal moved SL on 100, opened 101 and placed 200; none of these events arrived.

        var signals = book.ApplySnapshot(Snapshot([Position(100, sl: 1.07), Position(101)], [Order(200)]), Now);

        Assert.Equal([SignalAction.Modify, SignalAction.Open, SignalAction.OrderPlaced], Actions(signals));
    }

    [Fact]
    public void A_snapshot_that_repeats_what_events_said_yields_nothing()
    {
        var book = Started();
        Event(book, Update(Position(100, sl: 1.08)));
        Event(book, Update(Order(200)));
        Event(book, Update(Position(101)));
        Event(book, Closed(101));

        Assert.Empty(book.ApplySnapshot(Snapshot([Position(100, sl: 1.08)], [Order(200)]), Now));
    }

    [Fact]
    public void The_first_snapshot_of_a_new_book_is_adopted_without_signals()
    {
        var book = new TradeBook(Login);

        Assert.Empty(book.ApplySnapshot(Snapshot([Position(100)], [Order(200)]), Now));
        Assert.True(book.HasBaseline);
        Assert.Single(book.Positions);
        Assert.Single(Event(book, Closed(100)));
    }

    [Fact]
    public void A_book_that_already_heard_events_diffs_its_first_snapshot()
    {
        var book = new TradeBook(Login);
        Event(book, Update(Position(100)));

        var signal = Assert.Single(book.ApplySnapshot(Snapshot([Position(100, sl: 1.07)]), Now));

        Assert.Equal(SignalAction.Modify, signal.Action);
    }

    [Fact]
    public void Every_signal_of_a_long_session_has_a_distinct_key_even_when_a_value_comes_back()
    {
        var book = Started(Position(100, sl: 1.08));
        var keys = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            keys.AddRange(Event(book, Update(Position(100, sl: i % 2 == 0 ? 1.07 : 1.08))).Select(s => s.IdempotencyKey));
        }

        Assert.Equal(10, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void A_position_reported_again_after_its_evidenced_close_yields_nothing()
    {
        var book = Started();
        Event(book, Update(Position(100)));
        Event(book, Closed(100));

        // Identifiers are never reused: this is a replayed or stale report, not a new trade.
        Assert.Empty(Event(book, Update(Position(100))));
        Assert.Empty(book.ApplySnapshot(Snapshot([Position(100)]), Now));
        Assert.Empty(book.Positions);
    }

    [Fact]
    public void A_restored_book_continues_where_it_stopped_same_changes_same_keys()
    {
        var book = Started(Position(100));
        Event(book, Update(Position(100, sl: 1.07)));
        Event(book, Update(Order(200)));
        var json = book.ToState().Serialize();

        var live = Event(book, Update(Position(100, sl: 1.06)));
        var restored = TradeBook.FromState(BookState.Deserialize(json)!);
        var replayed = Event(restored, Update(Position(100, sl: 1.06)));

        Assert.Equal(live.Select(s => s.IdempotencyKey), replayed.Select(s => s.IdempotencyKey));
        Assert.Empty(restored.ApplySnapshot(Snapshot([Position(100, sl: 1.06)], [Order(200)]), Now));
        Assert.True(restored.HasBaseline);
    }

    [Fact]
    public void A_restored_book_remembers_recently_filled_orders()
    {
        var book = Started();
        Event(book, Update(Order(300)));
        Event(book, Removed(300, OrderRemovalReasons.Filled));

        var restored = TradeBook.FromState(BookState.Deserialize(book.ToState().Serialize())!);

        Assert.Equal(300, Assert.Single(Event(restored, Update(Position(300)))).OrderTicket);
    }

    [Fact]
    public void Unreadable_book_state_is_reported_as_null_not_thrown()
    {
        Assert.Null(BookState.Deserialize("{not json"));
    }

    [Fact]
    public void Messages_without_trade_state_yield_nothing()
    {
        var book = Started(Position(100));

        Assert.Empty(Event(book, Hello()));
        Assert.Empty(Event(book, new Heartbeat { Session = Session, Seq = 9 }));
    }

    [Fact]
    public void A_burst_of_500_opens_in_one_snapshot_yields_500_OPENs_in_ticket_order()
    {
        var book = Started();
        var positions = Enumerable.Range(1, 500).Select(i => Position(1000 + i)).Reverse().ToList();

        var signals = book.ApplySnapshot(Snapshot(positions), Now);

        Assert.Equal(500, signals.Count);
        Assert.All(signals, s => Assert.Equal(SignalAction.Open, s.Action));
        Assert.Equal(signals.Select(s => s.MasterTicket).Order(), signals.Select(s => s.MasterTicket));
    }
}
