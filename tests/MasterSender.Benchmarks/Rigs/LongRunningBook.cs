using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Outbox;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// A master that has traded for weeks: before the relay starts, its outbox already holds the bench account's book with
/// <c>closedBefore</c> tickets opened and closed, whose revision counters the book keeps (up to 10,000) so a ticket
/// that comes back never reuses an idempotency key. No position is open and no snapshot was taken yet, so the terminal's
/// first snapshot is adopted without signals, as in every rig. Stored as one JSON document, the form every relay
/// version reads (a relay that stores its book in pieces rewrites it so at its first commit, in the warm-up).
/// </summary>
internal static class LongRunningBook
{
    private const long FirstTicket = 900_000_000;

    public static void Seed(string dataFolder, int closedBefore)
    {
        var book = new TradeBook(Fixtures.Login);
        for (var ticket = FirstTicket; ticket < FirstTicket + closedBefore; ticket++)
        {
            book.ApplyPosition(Fixtures.Position(ticket), 0);
            book.ApplyPositionClosed(new PositionClosed { Session = "bench", Seq = 1, Ticket = ticket, Identifier = ticket, Deal = ticket, ClosePrice = 1.09, TimeMsc = 1 }, 0);
        }

        using (var outbox = new SqliteOutbox(Path.Combine(dataFolder, "outbox.db"), TimeProvider.System))
        {
            outbox.Commit(Fixtures.Login, [], new BookChanges(book.ToState().Serialize(), [], Rewrite: false));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
