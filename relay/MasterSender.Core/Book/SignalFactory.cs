using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Book;

/// <summary>Builds the signals of one change, numbering each with the ticket's next revision.</summary>
internal sealed class SignalFactory(long login, RevisionLedger ledger, long detectedAtMs)
{
    public static string PositionKey(long ticket) => "P" + ticket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string OrderKey(long ticket) => "O" + ticket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Signal Open(PositionState position, long? fromOrderTicket) => ForPosition(SignalAction.Open, position) with
    {
        EventTimeMsc = position.TimeMsc,
        OrderTicket = fromOrderTicket,
    };

    public Signal Modify(PositionState before, PositionState after) => ForPosition(SignalAction.Modify, after) with
    {
        EventTimeMsc = after.TimeUpdateMsc,
        PreviousSl = before.Sl,
        PreviousTp = before.Tp,
    };

    public Signal VolumeChange(PositionState before, PositionState after)
    {
        var action = after.Volume < before.Volume ? SignalAction.PartialClose : SignalAction.Increase;
        return ForPosition(action, after) with
        {
            EventTimeMsc = after.TimeUpdateMsc,
            PreviousVolume = before.Volume,
        };
    }

    /// <summary>The position as it was, closed at <paramref name="closePrice"/> (0 when the terminal did not say).</summary>
    public Signal Close(PositionState position, double closePrice, long closeTimeMsc)
    {
        var price = closePrice > 0 ? closePrice : position.PriceCurrent > 0 ? position.PriceCurrent : position.PriceOpen;
        return ForPosition(SignalAction.Close, position) with { Price = price, EventTimeMsc = closeTimeMsc };
    }

    public Signal OrderPlaced(OrderState order) => ForOrder(SignalAction.OrderPlaced, order) with { EventTimeMsc = order.TimeSetupMsc };

    public Signal OrderModified(OrderState before, OrderState after) => ForOrder(SignalAction.OrderModified, after) with
    {
        PreviousVolume = before.Volume,
        PreviousSl = before.Sl,
        PreviousTp = before.Tp,
    };

    public Signal OrderDeleted(OrderState order, string reason, long positionId) => ForOrder(SignalAction.OrderDeleted, order) with
    {
        Reason = reason,
        PositionId = positionId,
    };

    /// <summary><c>master_ticket</c> is the position's identifier (its ticket when unknown): it stays the same when
    /// the ticket changes, and equals the ticket for a position whose ticket never changed.</summary>
    private Signal ForPosition(SignalAction action, PositionState position)
    {
        var ticketKey = PositionKey(position.Key());
        return new Signal
        {
            IdempotencyKey = Key(ticketKey),
            Action = action,
            MasterLogin = login,
            MasterTicket = position.Key(),
            Symbol = position.Symbol,
            Type = position.Side.ToWire(),
            Volume = position.Volume,
            Price = position.PriceOpen,
            Sl = position.Sl,
            Tp = position.Tp,
            DetectedAtMs = detectedAtMs,
            PositionId = position.Identifier,
            Magic = position.Magic,
            Comment = position.Comment,
            OpenedAtMsc = position.TimeMsc,
        };
    }

    private Signal ForOrder(SignalAction action, OrderState order)
    {
        var ticketKey = OrderKey(order.Ticket);
        return new Signal
        {
            IdempotencyKey = Key(ticketKey),
            Action = action,
            MasterLogin = login,
            MasterTicket = order.Ticket,
            Symbol = order.Symbol,
            Type = order.Type.ToWire(),
            Volume = order.Volume,
            Price = order.PriceOpen,
            Sl = order.Sl,
            Tp = order.Tp,
            DetectedAtMs = detectedAtMs,
            Magic = order.Magic,
            Comment = order.Comment,
            PriceStopLimit = order.PriceStopLimit > 0 ? order.PriceStopLimit : null,
            ExpirationMsc = order.ExpirationMsc > 0 ? order.ExpirationMsc : null,
            TypeTime = order.TypeTime.ToWire(),
        };
    }

    private string Key(string ticketKey) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{login}-{ticketKey}-{ledger.Next(ticketKey)}");
}
