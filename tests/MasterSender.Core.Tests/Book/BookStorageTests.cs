using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Tests.Pipeline;
using static MasterSender.Core.Tests.Trades;

namespace MasterSender.Core.Tests.Book;

/// <summary>
/// The book is stored in pieces and each commit stores what changed. What a restarted relay reads back must be the very
/// book it ran with: a piece forgotten would make it repeat a signal (a phantom OPEN) or miss one.
/// </summary>
public class BookStorageTests
{
    private static PositionUpdate Update(PositionState position) => new() { Session = Session, Seq = 3, Position = position };

    private static OrderUpdate Update(OrderState order) => new() { Session = Session, Seq = 3, Order = order };

    private static PositionClosed Closed(long ticket, long deal) => new() { Session = Session, Seq = 3, Ticket = ticket, Identifier = ticket, Deal = deal, ClosePrice = 1.09, TimeMsc = 1_732_400_200_000 };

    private static OrderRemoved Removed(long ticket, string reason) => new() { Session = Session, Seq = 3, Ticket = ticket, Reason = reason };

    [Fact]
    public void After_every_commit_of_a_long_random_session_with_restarts_the_stored_book_is_the_live_one()
    {
        var random = new Random(20_261_202);
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        pipeline.Apply(Login, Snapshot());
        var nextTicket = 1L;
        var restarts = 0;
        for (var step = 0; step < 1_500; step++)
        {
            var book = pipeline.BookFor(Login);
            var positions = book.Positions.Values.ToList();
            var orders = book.Orders.Values.ToList();
            EaMessage message = random.Next(12) switch
            {
                0 or 1 => Update(Position(nextTicket++, sl: 1.07)),
                2 when positions.Count > 0 => Update(Pick(random, positions) with { Sl = Math.Round(1.0 + random.NextDouble(), 5) }),
                3 when positions.Count > 0 => Update(Pick(random, positions) with { Volume = 0.01 * random.Next(1, 20) }),
                4 when positions.Count > 0 => Closed(Pick(random, positions).Ticket, deal: 9_000 + step),
                5 when positions.Count > 0 => Closed(Pick(random, positions).Ticket, deal: 0),
                6 => Snapshot(positions.Where(_ => random.Next(4) > 0), orders.Where(_ => random.Next(4) > 0)),
                7 => Update(Order(nextTicket++, price: 1.07)),
                8 when orders.Count > 0 => Update(Pick(random, orders) with { PriceOpen = Math.Round(1.0 + random.NextDouble(), 5) }),
                9 when orders.Count > 0 => Removed(Pick(random, orders).Ticket, random.Next(2) == 0 ? OrderRemovalReasons.Cancelled : OrderRemovalReasons.Unknown),
                10 when orders.Count > 0 => Update(Position(nextTicket++, identifier: Pick(random, orders).Ticket)),
                _ => Update(positions.Count > 0 ? Pick(random, positions) with { PriceCurrent = random.NextDouble() } : Position(nextTicket++)),
            };

            var commits = journal.Commits;
            pipeline.Apply(Login, message);
            if (journal.Commits > commits)
            {
                // Between commits the live book may be ahead (a price moved, no signal); a commit stores all of it.
                var stored = journal.Book!;
                AssertSameBook(pipeline.BookFor(Login), Reload(stored));
            }

            if (random.Next(100) == 0)
            {
                pipeline = new SignalPipeline(journal, TimeProvider.System);
                restarts++;
            }
        }

        Assert.True(restarts > 5, $"only {restarts} restarts: the session should continue several times from what was read back");
        Assert.True(journal.Signals.Count > 500);
    }

    [Fact]
    public void A_signal_on_a_book_with_many_positions_and_a_long_history_stores_only_what_it_changed()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        pipeline.Apply(Login, Snapshot());
        for (var ticket = 1_000L; ticket < 1_300; ticket++)
        {
            pipeline.Apply(Login, Update(Position(ticket)));
            pipeline.Apply(Login, Closed(ticket, deal: ticket));
        }

        pipeline.Apply(Login, Snapshot(Enumerable.Range(1, 500).Select(ticket => Position(ticket))));

        var modify = pipeline.Apply(Login, Update(Position(7, sl: 1.06)));

        Assert.Single(modify);
        var changes = journal.LastChanges!;
        Assert.False(changes.Rewrite);
        // The position's piece carries its ticket's revision counter; closed tickets keep pieces of their own.
        Assert.Equal([(BookItemKind.Position, "7")], changes.Items.Select(item => (item.Kind, item.Key)));
        Assert.Equal(500, journal.Book!.Items.Count(item => item.Kind == BookItemKind.Position));
        Assert.Equal(300, journal.Book.Items.Count(item => item.Kind == BookItemKind.Revision));
    }

    [Fact]
    public void A_book_an_older_relay_stored_whole_is_read_and_its_next_commit_stores_every_piece()
    {
        var old = new TradeBook(Login);
        old.ApplySnapshot(Snapshot(), 0);
        old.ApplyPosition(Position(1, sl: 1.07), 0);
        old.ApplyOrder(Order(2), 0);
        var journal = new MemoryJournal();
        journal.Commit(Login, [], new BookChanges(old.ToState().Serialize(), [new BookItem(BookItemKind.Position, "99", "stale")], Rewrite: false));

        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        var repeated = pipeline.Apply(Login, Snapshot([Position(1, sl: 1.07)], [Order(2)]));
        var next = pipeline.Apply(Login, Update(Position(1, sl: 1.06)));

        Assert.Empty(repeated);
        Assert.Equal($"{Login}-P1-2", Assert.Single(next).IdempotencyKey);
        Assert.DoesNotContain(journal.Book!.Items, item => item.Value == "stale");
        AssertSameBook(pipeline.BookFor(Login), Reload(journal.Book));
    }

    [Fact]
    public void A_book_stored_in_pieces_is_not_a_book_to_an_older_relay_which_then_adopts_the_next_snapshot_without_signals()
    {
        var book = new TradeBook(Login);
        book.ApplySnapshot(Snapshot([Position(1)]), 0);

        var header = book.TakeChanges().Header;

        // What an older relay calls on the stored text: null means "start empty, take the next snapshot as baseline".
        Assert.Null(BookState.Deserialize(header));
    }

    [Fact]
    public void A_piece_that_cannot_be_read_makes_the_whole_book_unreadable_rather_than_partly_read()
    {
        var book = new TradeBook(Login);
        book.ApplySnapshot(Snapshot([Position(1), Position(2)]), 0);
        var stored = BookStorage.Apply(null, book.TakeChanges());

        var damaged = stored with { Items = [.. stored.Items.Select(item => item.Kind == BookItemKind.Position && item.Key == "2" ? item with { Value = "{\"ticket\":" } : item)] };

        Assert.NotNull(BookStorage.Load(stored));
        Assert.Null(BookStorage.Load(damaged));
    }

    [Fact]
    public void Past_ten_thousand_closed_tickets_the_oldest_are_forgotten_in_the_stored_book_as_in_the_live_one()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        pipeline.Apply(Login, Snapshot());
        for (var ticket = 1L; ticket <= RevisionLedger.RetiredCapacity + 5; ticket++)
        {
            pipeline.Stage(Login, Update(Position(ticket)));
            pipeline.Stage(Login, Closed(ticket, deal: ticket));
            if (ticket % 1_000 == 0)
            {
                pipeline.CommitStaged();
            }

            if (ticket == 3_000)
            {
                // The counters continue from what was stored after a restart.
                pipeline = new SignalPipeline(journal, TimeProvider.System);
            }
        }

        pipeline.CommitStaged();

        var reloaded = Reload(journal.Book!);
        AssertSameBook(pipeline.BookFor(Login), reloaded);
        var retired = reloaded.ToState().RetiredTickets;
        Assert.Equal(RevisionLedger.RetiredCapacity, retired.Count);
        Assert.Equal(["P6", "P7"], retired.Take(2));
        Assert.DoesNotContain(journal.Book!.Items, item => item.Kind == BookItemKind.Revision && item.Key == "P5");
    }

    private static T Pick<T>(Random random, List<T> items) => items[random.Next(items.Count)];

    private static TradeBook Reload(StoredBook stored)
    {
        var loaded = BookStorage.Load(stored) ?? throw new InvalidOperationException("the stored book did not read back");
        Assert.True(loaded.FromItems);
        return TradeBook.FromState(loaded.State, fromItems: true);
    }

    private static void AssertSameBook(TradeBook live, TradeBook reloaded)
    {
        var expected = live.ToState();
        var actual = reloaded.ToState();
        Assert.Equal((expected.Login, expected.HasBaseline, expected.ServerClockOffsetMs), (actual.Login, actual.HasBaseline, actual.ServerClockOffsetMs));
        Assert.Equal(expected.Positions, actual.Positions);
        Assert.Equal(expected.Orders, actual.Orders);
        Assert.Equal(expected.RecentlyRemovedOrders, actual.RecentlyRemovedOrders);
        Assert.Equal(expected.Revisions.OrderBy(r => r.Key, StringComparer.Ordinal), actual.Revisions.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(expected.RetiredTickets, actual.RetiredTickets);
        Assert.Equal(expected.UnconfirmedPositions.OrderBy(u => u.Key), actual.UnconfirmedPositions.OrderBy(u => u.Key));
        Assert.Equal(expected.UnconfirmedOrders.OrderBy(u => u.Key), actual.UnconfirmedOrders.OrderBy(u => u.Key));
        Assert.Equal((expected.RetiredCounter, expected.RemovedOrderCounter), (actual.RetiredCounter, actual.RemovedOrderCounter));
    }
}
