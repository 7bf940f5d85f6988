using System.Text.Json;

namespace MasterSender.Core.Protocol;

/// <summary>Writes messages as the one-frame UTF-8 JSON of docs/protocol.md. The relay writes relay → EA messages;
/// the terminal simulator writes EA → relay messages exactly as the EA does.</summary>
public static class ProtocolWriter
{
    public static byte[] Write(RelayMessage message)
    {
        var wire = new WireRelayMessage { V = message.Version, Session = message.Session, Seq = 0 };
        switch (message)
        {
            case Welcome welcome:
                wire.Type = "welcome";
                wire.Accepted = welcome.Accepted;
                wire.Reason = welcome.Reason;
                wire.Message = welcome.Message;
                wire.HeartbeatMs = welcome.HeartbeatMs;
                wire.ReconcileMs = welcome.ReconcileMs;
                wire.RelayVersion = welcome.RelayVersion;
                break;
            case Resync resync:
                wire.Type = "resync";
                wire.Reason = resync.Reason;
                break;
            case HeartbeatReply reply:
                wire.Type = "heartbeat";
                wire.ApiOk = reply.ApiOk;
                wire.ApiError = reply.ApiError;
                break;
            case Lookup lookup:
                wire.Type = "lookup";
                wire.Positions = lookup.Positions.Select(p => new WireLookupPosition { Ticket = p.Ticket, Identifier = p.Identifier }).ToList();
                wire.Orders = [.. lookup.Orders];
                break;
            default:
                throw new ArgumentException($"Unknown relay message {message.GetType().Name}", nameof(message));
        }

        return JsonSerializer.SerializeToUtf8Bytes(wire, WireJsonContext.Default.WireRelayMessage);
    }

    public static byte[] Write(EaMessage message)
    {
        var wire = new WireMessage { V = message.Version, Session = message.Session, Seq = message.Seq };
        switch (message)
        {
            case Hello hello:
                wire.Type = "hello";
                wire.EaVersion = hello.EaVersion;
                wire.Instance = hello.Instance;
                wire.PairingKey = hello.PairingKey;
                wire.ServerTimeMsc = hello.ServerTimeMsc;
                wire.Account = ToWire(hello.Account);
                wire.Terminal = new WireTerminal
                {
                    Path = hello.Terminal.Path,
                    DataPath = hello.Terminal.DataPath,
                    Build = hello.Terminal.Build,
                    Name = hello.Terminal.Name,
                    Connected = hello.Terminal.Connected,
                    TradeAllowed = hello.Terminal.TradeAllowed,
                };
                break;
            case Snapshot snapshot:
                wire.Type = "snapshot";
                wire.Reason = snapshot.Reason;
                wire.ServerTime = snapshot.ServerTime;
                wire.ServerTimeMsc = snapshot.ServerTimeMsc;
                wire.Connected = snapshot.Connected;
                wire.Account = ToWire(snapshot.Account);
                wire.Positions = snapshot.Positions.Select(ToWire).ToList()!;
                wire.Orders = snapshot.Orders.Select(ToWire).ToList()!;
                break;
            case PositionUpdate update:
                wire.Type = "position";
                wire.Position = ToWire(update.Position);
                break;
            case PositionClosed closed:
                wire.Type = "position_closed";
                wire.Ticket = closed.Ticket;
                wire.Identifier = closed.Identifier;
                wire.Volume = closed.Volume;
                wire.ClosePrice = closed.ClosePrice;
                wire.Deal = closed.Deal;
                wire.TimeMsc = closed.TimeMsc;
                break;
            case OrderUpdate update:
                wire.Type = "order";
                wire.Order = ToWire(update.Order);
                break;
            case OrderRemoved removed:
                wire.Type = "order_removed";
                wire.Ticket = removed.Ticket;
                wire.Reason = removed.Reason;
                wire.PositionId = removed.PositionId;
                break;
            case Heartbeat:
                wire.Type = "heartbeat";
                break;
            case Goodbye goodbye:
                wire.Type = "goodbye";
                wire.Reason = goodbye.Reason;
                break;
            default:
                throw new ArgumentException($"Unknown EA message {message.GetType().Name}", nameof(message));
        }

        return JsonSerializer.SerializeToUtf8Bytes(wire, WireJsonContext.Default.WireMessage);
    }

    private static WireAccount ToWire(AccountInfo account) => new()
    {
        Login = account.Login,
        Server = account.Server,
        Company = account.Company,
        Currency = account.Currency,
        Balance = account.Balance,
        Equity = account.Equity,
        Margin = account.Margin,
        MarginFree = account.MarginFree,
        MarginLevel = account.MarginLevel,
        Leverage = account.Leverage,
        MarginMode = account.MarginMode.ToWire(),
    };

    private static WirePosition? ToWire(PositionState position) => new()
    {
        Ticket = position.Ticket,
        Identifier = position.Identifier,
        Symbol = position.Symbol,
        Type = position.Side.ToWire(),
        Volume = position.Volume,
        PriceOpen = position.PriceOpen,
        Sl = position.Sl,
        Tp = position.Tp,
        PriceCurrent = position.PriceCurrent,
        Profit = position.Profit,
        TimeMsc = position.TimeMsc,
        TimeUpdateMsc = position.TimeUpdateMsc,
        Magic = position.Magic,
        Comment = position.Comment,
    };

    private static WireOrder? ToWire(OrderState order) => new()
    {
        Ticket = order.Ticket,
        Symbol = order.Symbol,
        Type = order.Type.ToWire(),
        Volume = order.Volume,
        VolumeInitial = order.VolumeInitial,
        PriceOpen = order.PriceOpen,
        PriceStoplimit = order.PriceStopLimit,
        Sl = order.Sl,
        Tp = order.Tp,
        TypeTime = order.TypeTime.ToWire(),
        ExpirationMsc = order.ExpirationMsc,
        TimeSetupMsc = order.TimeSetupMsc,
        Magic = order.Magic,
        Comment = order.Comment,
    };
}
