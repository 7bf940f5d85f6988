using System.Text.Json.Serialization;

namespace MasterSender.Core.Protocol;

public enum PositionSide
{
    Buy,
    Sell,
}

public enum PendingOrderType
{
    BuyLimit,
    SellLimit,
    BuyStop,
    SellStop,
    BuyStopLimit,
    SellStopLimit,
}

public enum OrderTimeType
{
    Gtc,
    Day,
    Specified,
    SpecifiedDay,
}

// Positions and orders are read a thousand at a time (every snapshot) and on every trade event, so their members are
// plain `set` with [JsonRequired] where the protocol requires the field: the generated reader then fills the record in
// place. With C# `required` or `init` members it collects every value into an argument array first (boxing each
// number) and constructs afterwards: 25-40% more CPU per parse, measured for issue 14. Nothing changes a position
// after it is read or built; `with` makes changed copies.

/// <summary>One open position as the EA read it (docs/protocol.md, "position").</summary>
public sealed record PositionState
{
    [JsonRequired]
    public long Ticket { get; set; }

    /// <summary>The ticket of the order that opened the position; survives a netting reversal. 0 from an EA that does
    /// not send it (<see cref="Key"/> then uses the ticket).</summary>
    public long Identifier { get; set; }
    [JsonRequired]
    public string Symbol { get; set; } = "";
    [JsonRequired]
    public PositionSide Side { get; set; }
    [JsonRequired]
    public double Volume { get; set; }
    [JsonRequired]
    public double PriceOpen { get; set; }
    public double Sl { get; set; }
    public double Tp { get; set; }
    public double PriceCurrent { get; set; }
    public double Profit { get; set; }
    public long TimeMsc { get; set; }
    public long TimeUpdateMsc { get; set; }
    public long Magic { get; set; }
    public string Comment { get; set; } = "";

    /// <summary>What identifies the position across ticket changes (a swap re-open, a netting service operation):
    /// its identifier, or its ticket when the identifier is unknown (0). The relay's book and <c>master_ticket</c> use it.</summary>
    public long Key() => Identifier > 0 ? Identifier : Ticket;

    internal void Check(FieldValidator check)
    {
        check.Ticket(Ticket, "ticket");
        check.NonNegative(Identifier, "identifier");
        check.Symbol(Symbol, "symbol");
        check.Positive(Volume, "volume");
        check.Positive(PriceOpen, "price_open");
        check.NonNegative(Sl, "sl");
        check.NonNegative(Tp, "tp");
        check.NonNegative(PriceCurrent, "price_current");
        check.Finite(Profit, "profit");
        check.NonNegative(TimeMsc, "time_msc");
        check.NonNegative(TimeUpdateMsc, "time_update_msc");
        check.Text(Comment, "comment");
    }
}

/// <summary>One pending order as the EA read it (docs/protocol.md, "order").</summary>
public sealed record OrderState
{
    [JsonRequired]
    public long Ticket { get; set; }
    [JsonRequired]
    public string Symbol { get; set; } = "";
    [JsonRequired]
    public PendingOrderType Type { get; set; }
    [JsonRequired]
    public double Volume { get; set; }
    public double VolumeInitial { get; set; }
    [JsonRequired]
    public double PriceOpen { get; set; }
    public double PriceStopLimit { get; set; }
    public double Sl { get; set; }
    public double Tp { get; set; }
    public OrderTimeType TypeTime { get; set; }
    public long ExpirationMsc { get; set; }
    public long TimeSetupMsc { get; set; }
    public long Magic { get; set; }
    public string Comment { get; set; } = "";

    internal void Check(FieldValidator check)
    {
        check.Ticket(Ticket, "ticket");
        check.Symbol(Symbol, "symbol");
        check.Positive(Volume, "volume");
        check.NonNegative(VolumeInitial, "volume_initial");
        check.Positive(PriceOpen, "price_open");
        check.NonNegative(PriceStopLimit, "price_stoplimit");
        check.NonNegative(Sl, "sl");
        check.NonNegative(Tp, "tp");
        check.NonNegative(ExpirationMsc, "expiration_msc");
        check.NonNegative(TimeSetupMsc, "time_setup_msc");
        check.Text(Comment, "comment");
    }
}

/// <summary>The wire's names of the enum values: the protocol's serializer reads and writes these (ProtocolJson.cs), and
/// the relay writes them elsewhere too (signals, the status page).</summary>
public static class WireNames
{
    public static string ToWire(this PositionSide side) => side == PositionSide.Buy ? "BUY" : "SELL";

    public static string ToWire(this PendingOrderType type) => type switch
    {
        PendingOrderType.BuyLimit => "BUY_LIMIT",
        PendingOrderType.SellLimit => "SELL_LIMIT",
        PendingOrderType.BuyStop => "BUY_STOP",
        PendingOrderType.SellStop => "SELL_STOP",
        PendingOrderType.BuyStopLimit => "BUY_STOP_LIMIT",
        PendingOrderType.SellStopLimit => "SELL_STOP_LIMIT",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string ToWire(this OrderTimeType type) => type switch
    {
        OrderTimeType.Gtc => "GTC",
        OrderTimeType.Day => "DAY",
        OrderTimeType.Specified => "SPECIFIED",
        OrderTimeType.SpecifiedDay => "SPECIFIED_DAY",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string ToWire(this MarginMode mode) => mode switch
    {
        MarginMode.Netting => "netting",
        MarginMode.Exchange => "exchange",
        MarginMode.Hedging => "hedging",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
