using MasterSender.Core.Signals;

namespace MasterSender.Benchmarks;

internal static class BenchSignals
{
    public const long Login = 5001;

    /// <summary>The committed book state of the bench's account with <paramref name="positions"/> open positions.</summary>
    public static string BookState(int positions)
    {
        var book = new MasterSender.Core.Book.TradeBook(Login);
        book.ApplySnapshot(Fixtures.Snapshot(Enumerable.Range(1, positions).Select(i => Fixtures.Position(i)).ToList()) with { Account = Fixtures.Account with { Login = Login } }, 0);
        return book.ToState().Serialize();
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
