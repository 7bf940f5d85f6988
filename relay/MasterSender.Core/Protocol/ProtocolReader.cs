using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MasterSender.Core.Protocol;

/// <summary>Turns one frame into a typed message or a <see cref="ProtocolError"/> naming the field. Never throws.</summary>
public static class ProtocolReader
{
    public const int MaxSessionLength = 64;

    public static ParseResult<EaMessage> ReadEaMessage(ReadOnlySpan<byte> utf8Json)
    {
        if (!TryDeserialize(utf8Json, WireJsonContext.Default.WireMessage, out var wire, out var jsonError))
        {
            return ParseResult<EaMessage>.Fail(jsonError);
        }

        var check = new FieldValidator();
        var envelope = ReadEnvelope(wire.V, wire.Type, wire.Session, wire.Seq, check, relayToEa: false);
        if (envelope.Error is { } envelopeError)
        {
            return ParseResult<EaMessage>.Fail(envelopeError);
        }

        EaMessage? message = wire.Type switch
        {
            "hello" => ReadHello(wire, check, envelope),
            "snapshot" => ReadSnapshot(wire, check, envelope),
            "position" => new PositionUpdate { Session = envelope.Session, Seq = envelope.Seq, Position = ReadPosition(wire.Position, "position", check) },
            "position_closed" => ReadPositionClosed(wire, check, envelope),
            "order" => new OrderUpdate { Session = envelope.Session, Seq = envelope.Seq, Order = ReadOrder(wire.Order, "order", check) },
            "order_removed" => ReadOrderRemoved(wire, check, envelope),
            "heartbeat" => new Heartbeat { Session = envelope.Session, Seq = envelope.Seq },
            "goodbye" => new Goodbye { Session = envelope.Session, Seq = envelope.Seq, Reason = check.Text(wire.Reason ?? "unknown", "reason", 32) },
            _ => null,
        };

        if (message is null)
        {
            check.Fail("type", $"unknown message type '{FieldValidator.Truncate(wire.Type ?? "")}'");
        }

        return check.Failed
            ? ParseResult<EaMessage>.Fail(envelope.ErrorFrom(check))
            : ParseResult<EaMessage>.Ok(message!);
    }

    public static ParseResult<RelayMessage> ReadRelayMessage(ReadOnlySpan<byte> utf8Json)
    {
        if (!TryDeserialize(utf8Json, WireJsonContext.Default.WireRelayMessage, out var wire, out var jsonError))
        {
            return ParseResult<RelayMessage>.Fail(jsonError);
        }

        var check = new FieldValidator();
        var envelope = ReadEnvelope(wire.V, wire.Type, wire.Session, wire.Seq, check, relayToEa: true);
        if (envelope.Error is { } envelopeError)
        {
            return ParseResult<RelayMessage>.Fail(envelopeError);
        }

        RelayMessage? message = wire.Type switch
        {
            "welcome" => new Welcome
            {
                Session = envelope.Session,
                Accepted = check.Required(wire.Accepted, "accepted"),
                Reason = check.Text(wire.Reason, "reason", 64),
                Message = check.Text(wire.Message, "message", 1024),
                HeartbeatMs = wire.HeartbeatMs is > 0 ? wire.HeartbeatMs.Value : 1000,
                ReconcileMs = wire.ReconcileMs is > 0 ? wire.ReconcileMs.Value : 50,
                RelayVersion = check.Text(wire.RelayVersion, "relay_version", 64),
            },
            "resync" => new Resync { Session = envelope.Session, Reason = check.RequiredText(wire.Reason, "reason", 64) },
            "heartbeat" => new HeartbeatReply
            {
                Session = envelope.Session,
                ApiOk = wire.ApiOk ?? true,
                ApiError = check.Text(wire.ApiError, "api_error", 1024),
            },
            "lookup" => new Lookup
            {
                Session = envelope.Session,
                Positions = (wire.Positions ?? []).Select((p, i) => new LookupPosition(check.Ticket(p?.Ticket, $"positions[{i}].ticket"), check.NonNegative(p?.Identifier, $"positions[{i}].identifier"))).ToList(),
                Orders = (wire.Orders ?? []).Select((t, i) => check.Ticket(t, $"orders[{i}]")).ToList(),
            },
            _ => null,
        };

        if (message is null)
        {
            check.Fail("type", $"unknown message type '{FieldValidator.Truncate(wire.Type ?? "")}'");
        }

        return check.Failed
            ? ParseResult<RelayMessage>.Fail(envelope.ErrorFrom(check))
            : ParseResult<RelayMessage>.Ok(message!);
    }

    private static bool TryDeserialize<TWire>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<TWire> type, out TWire wire, out ProtocolError error)
        where TWire : class, new()
    {
        try
        {
            var parsed = JsonSerializer.Deserialize(utf8Json, type);
            if (parsed is null)
            {
                wire = new TWire();
                error = new ProtocolError(ProtocolErrorKind.Malformed, "$", "must be a JSON object, not null");
                return false;
            }

            wire = parsed;
            error = null!;
            return true;
        }
        catch (JsonException exception)
        {
            wire = new TWire();
            var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "$" : exception.Path.TrimStart('$', '.');
            error = new ProtocolError(ProtocolErrorKind.Malformed, field, DescribeJsonProblem(exception));
            return false;
        }
    }

    private static string DescribeJsonProblem(JsonException exception) =>
        exception.Path is null or "$"
            ? "is not a JSON object (" + FirstSentence(exception.Message) + ")"
            : "has the wrong type or is not valid JSON";

    private static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static Envelope ReadEnvelope(int? v, string? type, string? session, long? seq, FieldValidator check, bool relayToEa)
    {
        var envelope = new Envelope
        {
            Session = check.RequiredText(session, "session", MaxSessionLength),
            Type = type,
            Version = v,
        };
        if (!check.Failed && envelope.Session.Length == 0)
        {
            check.Fail("session", "must not be empty");
        }

        if (type is null)
        {
            check.Fail("type", "is missing");
        }

        var version = check.Required(v, "v");
        if (relayToEa)
        {
            envelope.Seq = seq ?? 0;
        }
        else
        {
            envelope.Seq = check.Required(seq, "seq");
            if (seq is not null && envelope.Seq < 1)
            {
                check.Fail("seq", "must be 1 or more");
            }
        }

        if (check.Failed)
        {
            envelope.Error = envelope.ErrorFrom(check);
        }
        else if (version != EaMessage.CurrentVersion)
        {
            envelope.Error = new ProtocolError(ProtocolErrorKind.UnsupportedVersion, "v", $"version {version} is not supported (this relay speaks {EaMessage.CurrentVersion})")
            {
                Session = envelope.Session,
                Type = envelope.Type,
                Version = version,
            };
        }

        return envelope;
    }

    private static Hello ReadHello(WireMessage wire, FieldValidator check, Envelope envelope)
    {
        var terminal = wire.Terminal;
        if (terminal is null)
        {
            check.Fail("terminal", "is missing");
        }

        return new Hello
        {
            Session = envelope.Session,
            Seq = envelope.Seq,
            EaVersion = check.RequiredText(wire.EaVersion, "ea_version", 64),
            Instance = check.RequiredText(wire.Instance, "instance", 1024),
            PairingKey = check.Text(wire.PairingKey, "pairing_key", 256),
            ServerTimeMsc = check.NonNegative(wire.ServerTimeMsc, "server_time_msc"),
            Account = ReadAccount(wire.Account, "account", check),
            Terminal = new TerminalInfo
            {
                Path = check.Text(terminal?.Path, "terminal.path", 1024),
                DataPath = check.Text(terminal?.DataPath, "terminal.data_path", 1024),
                Build = check.NonNegative(terminal?.Build, "terminal.build"),
                Name = check.Text(terminal?.Name, "terminal.name", 256),
                Connected = terminal?.Connected ?? false,
                TradeAllowed = terminal?.TradeAllowed ?? false,
            },
        };
    }

    /// <summary>
    /// A snapshot whose envelope, account and lists are sound is applied even when some items in the lists are not:
    /// each bad item (or a second item with the same key) is left out and reported in <see cref="Snapshot.DroppedItems"/>,
    /// so one position with, say, a negative SL cannot hold back every later snapshot.
    /// </summary>
    private static Snapshot ReadSnapshot(WireMessage wire, FieldValidator check, Envelope envelope)
    {
        if (wire.Positions is null)
        {
            check.Fail("positions", "is missing");
        }

        if (wire.Orders is null)
        {
            check.Fail("orders", "is missing");
        }

        var dropped = new List<ProtocolError>();
        var positions = new List<PositionState>(wire.Positions?.Count ?? 0);
        var positionKeys = new HashSet<long>();
        var droppedPositionKeys = new List<long>();
        for (var i = 0; i < (wire.Positions?.Count ?? 0); i++)
        {
            var item = wire.Positions![i];
            var path = $"positions[{i}]";
            var itemCheck = new FieldValidator();
            var position = ReadPosition(item, path, itemCheck);
            var key = item?.Identifier is > 0 ? item.Identifier.Value : item?.Ticket is > 0 ? item.Ticket.Value : 0;
            if (!itemCheck.Failed && !positionKeys.Add(position.Key()))
            {
                itemCheck.Fail(path, $"lists position {position.Key()} twice");
            }

            if (itemCheck.Failed)
            {
                dropped.Add(new ProtocolError(ProtocolErrorKind.Malformed, itemCheck.ErrorField, itemCheck.Error!));
                if (key > 0)
                {
                    droppedPositionKeys.Add(key);
                }

                continue;
            }

            positions.Add(position);
        }

        var orders = new List<OrderState>(wire.Orders?.Count ?? 0);
        var orderTickets = new HashSet<long>();
        var droppedOrderTickets = new List<long>();
        for (var i = 0; i < (wire.Orders?.Count ?? 0); i++)
        {
            var item = wire.Orders![i];
            var path = $"orders[{i}]";
            var itemCheck = new FieldValidator();
            var order = ReadOrder(item, path, itemCheck);
            if (!itemCheck.Failed && !orderTickets.Add(order.Ticket))
            {
                itemCheck.Fail(path, $"lists order {order.Ticket} twice");
            }

            if (itemCheck.Failed)
            {
                dropped.Add(new ProtocolError(ProtocolErrorKind.Malformed, itemCheck.ErrorField, itemCheck.Error!));
                if (item?.Ticket is > 0)
                {
                    droppedOrderTickets.Add(item.Ticket.Value);
                }

                continue;
            }

            orders.Add(order);
        }

        var serverTime = check.NonNegative(wire.ServerTime, "server_time");
        return new Snapshot
        {
            Session = envelope.Session,
            Seq = envelope.Seq,
            Reason = check.Text(wire.Reason ?? "periodic", "reason", 32),
            ServerTime = serverTime,
            ServerTimeMsc = check.NonNegative(wire.ServerTimeMsc, "server_time_msc"),
            Connected = wire.Connected ?? true,
            Account = ReadAccount(wire.Account, "account", check),
            Positions = positions,
            Orders = orders,
            DroppedItems = dropped,
            DroppedPositionKeys = droppedPositionKeys,
            DroppedOrderTickets = droppedOrderTickets,
        };
    }

    private static PositionClosed ReadPositionClosed(WireMessage wire, FieldValidator check, Envelope envelope) => new()
    {
        Session = envelope.Session,
        Seq = envelope.Seq,
        Ticket = check.Ticket(wire.Ticket, "ticket"),
        Identifier = check.NonNegative(wire.Identifier, "identifier"),
        ClosePrice = check.NonNegative(wire.ClosePrice, "close_price"),
        Deal = check.NonNegative(wire.Deal, "deal"),
        TimeMsc = check.NonNegative(wire.TimeMsc, "time_msc"),
        Volume = check.NonNegative(wire.Volume, "volume"),
    };

    private static OrderRemoved ReadOrderRemoved(WireMessage wire, FieldValidator check, Envelope envelope)
    {
        var reason = wire.Reason ?? OrderRemovalReasons.Unknown;
        if (!OrderRemovalReasons.IsKnown(reason))
        {
            check.Fail("reason", $"has unknown value '{FieldValidator.Truncate(reason)}'");
        }

        return new OrderRemoved
        {
            Session = envelope.Session,
            Seq = envelope.Seq,
            Ticket = check.Ticket(wire.Ticket, "ticket"),
            Reason = reason,
            PositionId = check.NonNegative(wire.PositionId, "position_id"),
        };
    }

    private static AccountInfo ReadAccount(WireAccount? wire, string path, FieldValidator check)
    {
        if (wire is null)
        {
            check.Fail(path, "is missing");
            wire = new WireAccount();
        }

        return new AccountInfo
        {
            Login = check.Ticket(wire.Login, path + ".login"),
            Server = check.RequiredText(wire.Server, path + ".server"),
            Company = check.Text(wire.Company, path + ".company"),
            Currency = check.Text(wire.Currency, path + ".currency", 16),
            Balance = check.Finite(wire.Balance, path + ".balance"),
            Equity = check.Finite(wire.Equity, path + ".equity"),
            Margin = check.NonNegative(wire.Margin, path + ".margin"),
            MarginFree = check.Finite(wire.MarginFree, path + ".margin_free"),
            MarginLevel = check.NonNegative(wire.MarginLevel, path + ".margin_level"),
            Leverage = check.NonNegative(wire.Leverage, path + ".leverage"),
            MarginMode = check.Enum<MarginMode>(wire.MarginMode, path + ".margin_mode", WireNames.TryParseMarginMode),
        };
    }

    private static PositionState ReadPosition(WirePosition? wire, string path, FieldValidator check)
    {
        if (wire is null)
        {
            check.Fail(path, "is missing");
            wire = new WirePosition();
        }

        return new PositionState
        {
            Ticket = check.Ticket(wire.Ticket, path + ".ticket"),
            Identifier = check.NonNegative(wire.Identifier, path + ".identifier"),
            Symbol = NonEmptySymbol(wire.Symbol, path + ".symbol", check),
            Side = check.Enum<PositionSide>(wire.Type, path + ".type", WireNames.TryParseSide),
            Volume = check.Positive(wire.Volume, path + ".volume"),
            PriceOpen = check.Positive(wire.PriceOpen, path + ".price_open"),
            Sl = check.NonNegative(wire.Sl, path + ".sl"),
            Tp = check.NonNegative(wire.Tp, path + ".tp"),
            PriceCurrent = check.NonNegative(wire.PriceCurrent, path + ".price_current"),
            Profit = check.Finite(wire.Profit, path + ".profit"),
            TimeMsc = check.NonNegative(wire.TimeMsc, path + ".time_msc"),
            TimeUpdateMsc = check.NonNegative(wire.TimeUpdateMsc, path + ".time_update_msc"),
            Magic = wire.Magic ?? 0,
            Comment = check.Text(wire.Comment, path + ".comment"),
        };
    }

    private static OrderState ReadOrder(WireOrder? wire, string path, FieldValidator check)
    {
        if (wire is null)
        {
            check.Fail(path, "is missing");
            wire = new WireOrder();
        }

        return new OrderState
        {
            Ticket = check.Ticket(wire.Ticket, path + ".ticket"),
            Symbol = NonEmptySymbol(wire.Symbol, path + ".symbol", check),
            Type = check.Enum<PendingOrderType>(wire.Type, path + ".type", WireNames.TryParseOrderType),
            Volume = check.Positive(wire.Volume, path + ".volume"),
            VolumeInitial = check.NonNegative(wire.VolumeInitial, path + ".volume_initial"),
            PriceOpen = check.Positive(wire.PriceOpen, path + ".price_open"),
            PriceStopLimit = check.NonNegative(wire.PriceStoplimit, path + ".price_stoplimit"),
            Sl = check.NonNegative(wire.Sl, path + ".sl"),
            Tp = check.NonNegative(wire.Tp, path + ".tp"),
            TypeTime = wire.TypeTime is null ? OrderTimeType.Gtc : check.Enum<OrderTimeType>(wire.TypeTime, path + ".type_time", WireNames.TryParseTimeType),
            ExpirationMsc = check.NonNegative(wire.ExpirationMsc, path + ".expiration_msc"),
            TimeSetupMsc = check.NonNegative(wire.TimeSetupMsc, path + ".time_setup_msc"),
            Magic = wire.Magic ?? 0,
            Comment = check.Text(wire.Comment, path + ".comment"),
        };
    }

    private static string NonEmptySymbol(string? symbol, string field, FieldValidator check)
    {
        var text = check.RequiredText(symbol, field, 64);
        if (symbol is not null && text.Length == 0)
        {
            check.Fail(field, "must not be empty");
        }

        return text;
    }

    private sealed class Envelope
    {
        public string Session { get; set; } = "";
        public string? Type { get; set; }
        public int? Version { get; set; }
        public long Seq { get; set; }
        public ProtocolError? Error { get; set; }

        public ProtocolError ErrorFrom(FieldValidator check) =>
            new(ProtocolErrorKind.Malformed, check.ErrorField, check.Error ?? "is invalid")
            {
                Session = Session.Length > 0 ? Session : null,
                Type = Type,
                Version = Version,
            };
    }
}
