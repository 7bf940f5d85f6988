using MasterSender.Core.Protocol;

namespace MasterSender.Core.Tests;

/// <summary>Test data: a terminal's positions, orders and messages with sensible defaults.</summary>
internal static class Trades
{
    public const long Login = 5012345;
    public const string Session = "s1";

    public static AccountInfo Account(MarginMode mode = MarginMode.Hedging) => new()
    {
        Login = Login,
        Server = "Demo-Server",
        Company = "Broker Ltd",
        Currency = "USD",
        Balance = 10_000,
        Equity = 10_050.5,
        Margin = 100,
        MarginFree = 9_950.5,
        MarginLevel = 10_050.5,
        Leverage = 500,
        MarginMode = mode,
    };

    public static PositionState Position(long ticket, PositionSide side = PositionSide.Buy, double volume = 0.1, double sl = 0, double tp = 0, string symbol = "EURUSD", long identifier = 0) => new()
    {
        Ticket = ticket,
        Identifier = identifier == 0 ? ticket : identifier,
        Symbol = symbol,
        Side = side,
        Volume = volume,
        PriceOpen = 1.085,
        Sl = sl,
        Tp = tp,
        PriceCurrent = 1.0855,
        TimeMsc = 1_732_400_000_000 + ticket,
        TimeUpdateMsc = 1_732_400_000_000 + ticket,
        Magic = 7,
        Comment = "c",
    };

    public static OrderState Order(long ticket, PendingOrderType type = PendingOrderType.BuyLimit, double volume = 0.2, double price = 1.08, double sl = 0, double tp = 0, long expirationMsc = 0) => new()
    {
        Ticket = ticket,
        Symbol = "EURUSD",
        Type = type,
        Volume = volume,
        VolumeInitial = volume,
        PriceOpen = price,
        Sl = sl,
        Tp = tp,
        ExpirationMsc = expirationMsc,
        TypeTime = expirationMsc > 0 ? OrderTimeType.Specified : OrderTimeType.Gtc,
        TimeSetupMsc = 1_732_400_000_000,
    };

    public static Snapshot Snapshot(IEnumerable<PositionState>? positions = null, IEnumerable<OrderState>? orders = null, long serverTime = 1_732_400_100, MarginMode mode = MarginMode.Hedging, long seq = 2) => new()
    {
        Session = Session,
        Seq = seq,
        Reason = "changed",
        ServerTime = serverTime,
        Account = Account(mode),
        Positions = (positions ?? []).ToList(),
        Orders = (orders ?? []).ToList(),
    };

    public static Hello Hello(long seq = 1) => new()
    {
        Session = Session,
        Seq = seq,
        EaVersion = "0.1.0",
        Instance = @"C:\Users\trader\AppData\Roaming\MetaQuotes\Terminal\ABC|131",
        Account = Account(),
        Terminal = new TerminalInfo { Path = @"C:\Program Files\MetaTrader 5", Build = 4620, Name = "MetaTrader 5", Connected = true, TradeAllowed = true },
    };
}
