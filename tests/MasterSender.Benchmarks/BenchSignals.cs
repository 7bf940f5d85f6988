using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Benchmarks;

internal static class BenchSignals
{
    public const long Login = 5001;

    /// <summary>A commit's book part where only the signals are measured: a header, no pieces.</summary>
    public static readonly BookChanges NoBook = new("{}", [], Rewrite: false);

    /// <summary>The bench account's book after its first snapshot: <paramref name="positions"/> positions open and,
    /// before them, <paramref name="closedBefore"/> positions opened and closed (a book with history: each closed ticket
    /// leaves its revision counter behind, up to 10,000). Its changes so far are taken: the next
    /// <see cref="TradeBook.TakeChanges"/> stores everything (a new book), later ones what moved since.</summary>
    public static TradeBook Book(int positions, int closedBefore = 0)
    {
        var book = new TradeBook(Login);
        book.ApplySnapshot(Fixtures.Snapshot([]) with { Account = Fixtures.Account with { Login = Login } }, 0);
        for (var ticket = 1_000_000L; ticket < 1_000_000 + closedBefore; ticket++)
        {
            book.ApplyPosition(Fixtures.Position(ticket), 0);
            book.ApplyPositionClosed(new PositionClosed { Session = "bench", Seq = 3, Ticket = ticket, Identifier = ticket, Deal = ticket, ClosePrice = 1.09, TimeMsc = 1 }, 0);
        }

        for (var ticket = 1L; ticket <= positions; ticket++)
        {
            book.ApplyPosition(Fixtures.Position(ticket), 0);
        }

        return book;
    }

    /// <summary>Moves the SL of positions 1 to <paramref name="positions"/> to a level of <paramref name="step"/>: one
    /// MODIFY each, as a trailing stop makes them.</summary>
    public static IReadOnlyList<Signal> MoveStops(TradeBook book, int positions, long step)
    {
        var signals = new List<Signal>(positions);
        for (var ticket = 1L; ticket <= positions; ticket++)
        {
            signals.AddRange(book.ApplyPosition(Fixtures.Position(ticket, sl: 1.08 - (step * 0.00001)), 0));
        }

        return signals;
    }

    /// <summary>Marks every pending signal of the outbox at <paramref name="databasePath"/> sent, as if the API had
    /// taken them: keeps the pending indexes as small as in a relay whose API keeps up.</summary>
    public static void MarkAllSent(string databasePath)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE signals SET state = 'sent' WHERE state = 'pending'";
        command.ExecuteNonQuery();
    }

    public static Signal Make(long ticket, long revision, long detectedAtMs) => new()
    {
        IdempotencyKey = $"{Login}-P{ticket}-{revision}",
        Action = SignalAction.Modify,
        MasterLogin = Login,
        MasterTicket = ticket,
        Symbol = "EURUSD",
        Type = "BUY",
        Volume = 0.1,
        Price = 1.08512,
        Sl = 1.08,
        Tp = 1.09,
        DetectedAtMs = detectedAtMs,
        Magic = 42,
        Comment = "bench",
        PreviousSl = 1.07,
    };
}
