using MasterSender.Core.Book;
using MasterSender.Core.Signals;

namespace MasterSender.Outbox.Tests;

public static class Signals
{
    public const long Login = 5001;

    /// <summary>A commit's book part when the test is about signals only: a header and no pieces.</summary>
    public static readonly BookChanges NoBook = Book("{}");

    public static BookChanges Book(string header) => new(header, [], Rewrite: false);

    public static Signal Make(long ticket, int revision, SignalAction action, long detectedAtMs, long login = Login) => new()
    {
        IdempotencyKey = $"{login}-P{ticket}-{revision}",
        Action = action,
        MasterLogin = login,
        MasterTicket = ticket,
        Symbol = "EURUSD",
        Type = "BUY",
        Volume = 0.1 * revision,
        Price = 1.08512,
        Sl = 1.08,
        Tp = 1.09 + (revision / 1000.0),
        DetectedAtMs = detectedAtMs,
        Comment = "héllo",
    };
}

public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "mastersender-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
