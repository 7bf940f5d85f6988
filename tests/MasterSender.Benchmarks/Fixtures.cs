using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks;

internal static class Fixtures
{
    public const long Login = 5012345;

    public static AccountInfo Account => new()
    {
        Login = Login, Server = "Bench", Currency = "USD", Balance = 10_000, Equity = 10_000, Leverage = 100, MarginMode = MarginMode.Hedging,
    };

    public static PositionState Position(long ticket, double sl = 1.08) => new()
    {
        Ticket = ticket, Identifier = ticket, Symbol = "EURUSD", Side = ticket % 2 == 0 ? PositionSide.Buy : PositionSide.Sell,
        Volume = 0.1, PriceOpen = 1.085, Sl = sl, Tp = 1.1, PriceCurrent = 1.0855, TimeMsc = 1_732_400_000_000 + ticket, Magic = 7, Comment = "grid",
    };

    public static Snapshot Snapshot(IEnumerable<PositionState> positions, long seq = 2) => new()
    {
        Session = "bench", Seq = seq, Account = Account, Positions = positions.ToList(), Orders = [],
    };
}
