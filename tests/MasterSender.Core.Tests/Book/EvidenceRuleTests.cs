using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using static MasterSender.Core.Tests.Trades;

namespace MasterSender.Core.Tests.Book;

/// <summary>docs/protocol.md, "How the relay derives signals": evidence, unconfirmed, connected, identifier, open age.</summary>
public class EvidenceRuleTests
{
    private const long Now = 1_800_000_000_000;

    private static TradeBook Started(params PositionState[] positions)
    {
        var book = new TradeBook(Login);
        book.ApplySnapshot(Snapshot(positions), Now);
        return book;
    }

    private static PositionUpdate Update(PositionState position) => new() { Session = Session, Seq = 3, Position = position };

    private static PositionClosed Closed(long ticket, long deal, double price = 0, long timeMsc = 0, long identifier = 0) =>
        new() { Session = Session, Seq = 3, Ticket = ticket, Identifier = identifier, Deal = deal, ClosePrice = price, TimeMsc = timeMsc };

    private static SignalAction[] Actions(IEnumerable<Signal> signals) => signals.Select(s => s.Action).ToArray();

    [Fact]
    public void A_position_missing_from_a_snapshot_is_unconfirmed_and_yields_no_signal()
    {
        var book = Started(Position(100), Position(101));

        Assert.Empty(book.ApplySnapshot(Snapshot([Position(101)]), Now + 5));

        var unconfirmed = Assert.Single(book.Unconfirmed);
        Assert.Equal((UnconfirmedKinds.Position, 100L, 100L, "EURUSD", Now + 5), (unconfirmed.Kind, unconfirmed.Ticket, unconfirmed.Identifier, unconfirmed.Symbol, unconfirmed.SinceMs));
        Assert.True(book.Positions.ContainsKey(100), "kept: it may well still be open");
    }

    [Fact]
    public void Missing_again_keeps_the_time_it_first_went_missing()
    {
        var book = Started(Position(100));
        book.ApplySnapshot(Snapshot([]), Now + 5);

        book.ApplySnapshot(Snapshot([]), Now + 900);

        Assert.Equal(Now + 5, Assert.Single(book.Unconfirmed).SinceMs);
    }

    [Fact]
    public void A_position_closed_without_its_deal_is_unconfirmed_not_a_CLOSE()
    {
        var book = Started(Position(100));

        Assert.Empty(book.Apply(Closed(100, deal: 0, price: 1.09), Now));

        Assert.Equal(100, Assert.Single(book.Unconfirmed).Ticket);
    }

    [Fact]
    public void Evidence_resolves_an_unconfirmed_position_as_a_CLOSE_at_the_deal_price_and_time()
    {
        var book = Started(Position(100, volume: 0.7));
        book.ApplySnapshot(Snapshot([]), Now);

        var signal = Assert.Single(book.Apply(Closed(100, deal: 555, price: 1.0921, timeMsc: 1_732_400_099_000), Now + 2_000));

        Assert.Equal((SignalAction.Close, 1.0921, 1_732_400_099_000L, 0.7), (signal.Action, signal.Price, signal.EventTimeMsc, signal.Volume));
        Assert.Empty(book.Unconfirmed);
        Assert.Empty(book.Positions);
    }

    [Fact]
    public void An_unconfirmed_position_that_returns_unchanged_yields_nothing()
    {
        var book = Started(Position(100, sl: 1.08));
        book.ApplySnapshot(Snapshot([]), Now);

        Assert.Empty(book.ApplySnapshot(Snapshot([Position(100, sl: 1.08)]), Now + 1));
        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void An_unconfirmed_position_that_returns_changed_yields_only_the_change()
    {
        var book = Started(Position(100, volume: 1.0, sl: 1.08));
        book.ApplySnapshot(Snapshot([]), Now);

        var signals = book.Apply(Update(Position(100, volume: 0.4, sl: 1.081)), Now + 1);

        Assert.Equal([SignalAction.PartialClose, SignalAction.Modify], Actions(signals));
        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void A_snapshot_of_a_disconnected_terminal_never_shrinks_the_book_but_adds_and_changes()
    {
        var book = Started(Position(100), Position(101));
        book.Apply(new OrderUpdate { Session = Session, Seq = 3, Order = Order(200) }, Now);

        var signals = book.ApplySnapshot(Snapshot([Position(101, sl: 1.07), Position(102)]) with { Connected = false }, Now);

        Assert.Equal([SignalAction.Modify, SignalAction.Open], Actions(signals));
        Assert.Empty(book.Unconfirmed);
        Assert.Equal([100L, 101L, 102L], book.Positions.Keys);
        Assert.True(book.Orders.ContainsKey(200));
    }

    [Fact]
    public void A_ticket_change_under_the_same_identifier_is_the_same_position()
    {
        var book = Started(Position(100));

        // A swap re-open (or a netting service operation) gives the position a new ticket, same identifier.
        Assert.Empty(book.Apply(Update(Position(105, identifier: 100)), Now));
        Assert.Empty(book.ApplySnapshot(Snapshot([Position(105, identifier: 100)]), Now));
        var modify = Assert.Single(book.Apply(Update(Position(105, sl: 1.07, identifier: 100)), Now));
        var close = Assert.Single(book.Apply(Closed(105, deal: 77, identifier: 100), Now));

        Assert.Equal((SignalAction.Modify, 100L), (modify.Action, modify.MasterTicket));
        Assert.Equal((SignalAction.Close, 100L), (close.Action, close.MasterTicket));
        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void A_close_from_an_EA_that_names_only_the_changed_ticket_still_finds_the_position()
    {
        var book = Started(Position(100));
        book.Apply(Update(Position(105, identifier: 100)), Now);

        var close = Assert.Single(book.Apply(Closed(105, deal: 77), Now));

        Assert.Equal(100, close.MasterTicket);
    }

    [Fact]
    public void A_netting_reversal_under_the_same_identifier_is_still_CLOSE_then_OPEN_of_that_key()
    {
        var book = Started(Position(100, PositionSide.Buy, volume: 0.5));

        var signals = book.Apply(Update(Position(107, PositionSide.Sell, volume: 0.2, identifier: 100)), Now);

        Assert.Equal([SignalAction.Close, SignalAction.Open], Actions(signals));
        Assert.All(signals, s => Assert.Equal(100, s.MasterTicket));
    }

    [Fact]
    public void A_missing_order_whose_fill_appears_is_ORDER_DELETED_filled_then_OPEN()
    {
        var book = Started();
        book.Apply(new OrderUpdate { Session = Session, Seq = 3, Order = Order(300) }, Now);
        book.ApplySnapshot(Snapshot([]), Now);

        var signals = book.Apply(Update(Position(300)), Now);

        Assert.Equal([SignalAction.OrderDeleted, SignalAction.Open], Actions(signals));
        Assert.Equal("filled", signals[0].Reason);
        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void A_dropped_item_of_a_snapshot_is_not_taken_for_missing()
    {
        var book = Started(Position(100), Position(101));

        Assert.Empty(book.ApplySnapshot(Snapshot([Position(101)]) with { DroppedPositionKeys = [100] }, Now));

        Assert.Empty(book.Unconfirmed);
    }

    [Fact]
    public void What_is_unconfirmed_survives_a_restart()
    {
        var book = Started(Position(100));
        book.ApplySnapshot(Snapshot([]), Now + 5);

        var restored = TradeBook.FromState(BookState.Deserialize(book.ToState().Serialize())!);

        Assert.Equal(book.Unconfirmed, restored.Unconfirmed);
        Assert.Equal(SignalAction.Close, Assert.Single(restored.Apply(Closed(100, deal: 9), Now)).Action);
    }

    [Fact]
    public void A_book_stored_by_an_older_relay_loads_keyed_by_identifier()
    {
        const string old = """
            {"login":5012345,"has_baseline":true,"positions":[{"ticket":105,"identifier":100,"symbol":"EURUSD","side":"Buy","volume":0.1,"price_open":1.085}],
             "orders":[],"revisions":{"P105":1},"retired_tickets":[]}
            """;

        var book = TradeBook.FromState(BookState.Deserialize(old)!);

        Assert.Equal([100L], book.Positions.Keys);
        Assert.Empty(book.Unconfirmed);
        Assert.Empty(book.Apply(Update(Position(105, identifier: 100)), Now));
    }

    // Open age. The server's clock is 1 h ahead of the relay's here, to show the age is measured on the server's clock.
    private const long ServerAhead = 3_600_000;
    private static readonly BookRules ThirtySeconds = new() { MaxOpenAge = TimeSpan.FromSeconds(30) };

    private static Snapshot At(long relayNowMs, params PositionState[] positions) => Snapshot(positions) with { ServerTimeMsc = relayNowMs + ServerAhead };

    private static PositionState OpenedAt(long ticket, long serverMsc) => Position(ticket) with { TimeMsc = serverMsc, TimeUpdateMsc = serverMsc };

    [Fact]
    public void A_position_opened_longer_ago_than_MaxOpenAge_never_yields_an_OPEN_but_later_changes_do()
    {
        var book = new TradeBook(Login, ThirtySeconds);
        book.ApplySnapshot(At(Now), Now);

        Assert.Empty(book.Apply(Update(OpenedAt(100, Now + ServerAhead - 31_000)), Now));
        var fresh = Assert.Single(book.Apply(Update(OpenedAt(101, Now + ServerAhead - 5_000)), Now));
        var modify = Assert.Single(book.Apply(Update(OpenedAt(100, Now + ServerAhead - 31_000) with { Sl = 1.07 }), Now));
        var close = Assert.Single(book.Apply(Closed(100, deal: 1), Now));

        Assert.Equal((SignalAction.Open, 101L), (fresh.Action, fresh.MasterTicket));
        Assert.Equal(SignalAction.Modify, modify.Action);
        Assert.Equal(SignalAction.Close, close.Action);
    }

    [Fact]
    public void An_old_position_first_seen_in_a_snapshot_after_a_restart_is_adopted_silently()
    {
        var book = new TradeBook(Login, ThirtySeconds);
        book.ApplySnapshot(At(Now), Now);
        var restored = TradeBook.FromState(BookState.Deserialize(book.ToState().Serialize())!, ThirtySeconds);

        var later = Now + 600_000;
        var signals = restored.ApplySnapshot(At(later, OpenedAt(100, Now + ServerAhead + 60_000), OpenedAt(101, later + ServerAhead - 1_000)), later);

        Assert.Equal(101, Assert.Single(signals).MasterTicket);
        Assert.True(restored.Positions.ContainsKey(100));
    }

    [Fact]
    public void The_server_clock_from_hello_is_enough_to_age_an_OPEN()
    {
        var book = new TradeBook(Login, ThirtySeconds);
        book.ApplySnapshot(Snapshot([]) with { ServerTime = 0 }, Now);
        book.Apply(Hello() with { ServerTimeMsc = Now + ServerAhead }, Now);

        Assert.Empty(book.Apply(Update(OpenedAt(100, Now + ServerAhead - 40_000)), Now));
    }
}
