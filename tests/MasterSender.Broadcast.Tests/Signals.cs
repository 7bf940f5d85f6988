using MasterSender.Core.Book;
using MasterSender.Core.Signals;

namespace MasterSender.Broadcast.Tests;

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

    /// <summary>
    /// Per ticket: an OPEN, then MODIFY and PARTIAL_CLOSE in turn, then a CLOSE, with keys in revision order. No two
    /// MODIFYs follow each other, so none is superseded and every signal must arrive.
    /// </summary>
    public static IEnumerable<Signal> Burst(int tickets, int perTicket, long detectedAtMs) =>
        from revision in Enumerable.Range(1, perTicket)
        from ticket in Enumerable.Range(1, tickets)
        select Make(1000 + ticket, revision, revision == 1 ? SignalAction.Open : revision == perTicket ? SignalAction.Close : revision % 2 == 0 ? SignalAction.Modify : SignalAction.PartialClose, detectedAtMs);
}
