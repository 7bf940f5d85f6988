using MasterSender.Core.Signals;

namespace MasterSender.Benchmarks;

internal static class BenchSignals
{
    public const long Login = 5001;

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
