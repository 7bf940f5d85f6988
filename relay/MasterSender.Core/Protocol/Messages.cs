using System.Text.Json.Serialization;

namespace MasterSender.Core.Protocol;

// One record per message of docs/protocol.md: System.Text.Json reads and writes them as they are (ProtocolJson.cs
// holds the generated serializer; names are the snake_case of the property names), and each record checks its own
// values in Check, naming the field as the wire does. A new field is a property here (plus a Check line if it has
// a rule), in the EA and in docs/protocol.md.
//
// Optional members whose default is not the type's zero ("" for a string, true, "periodic") have `set`, not `init`:
// the source generator builds a record's init-only members like constructor arguments and puts zero (null for a
// string) where the JSON has no value, losing the default (dotnet/runtime#84484). Required members, and the
// envelope's (the serializer insists on them), keep `init`. Nothing changes a message after it is read or built;
// `with` makes changed copies.

/// <summary>An EA → relay message (docs/protocol.md, "Messages"). <c>type</c> is the discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Hello), "hello")]
[JsonDerivedType(typeof(Snapshot), "snapshot")]
[JsonDerivedType(typeof(PositionUpdate), "position")]
[JsonDerivedType(typeof(PositionClosed), "position_closed")]
[JsonDerivedType(typeof(OrderUpdate), "order")]
[JsonDerivedType(typeof(OrderRemoved), "order_removed")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(Goodbye), "goodbye")]
public abstract record EaMessage
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")]
    [JsonPropertyOrder(-3)]
    [JsonRequired]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The EA's session id. Session and seq belong to the connection, not to what a message says: the
    /// sender stamps them (<c>message with { Session = …, Seq = … }</c>), so a message's content is built without
    /// them. On the wire both are required; <see cref="ProtocolWriter"/> refuses a message not stamped yet.</summary>
    [JsonPropertyOrder(-2)]
    [JsonRequired]
    public string Session { get; init; } = "";

    /// <summary>Per session: hello is 1, each following message +1; 0 until the sender stamps it.</summary>
    [JsonPropertyOrder(-1)]
    [JsonRequired]
    public long Seq { get; init; }

    /// <summary>Checks the values the serializer cannot (ranges, lengths) and returns the message to apply (a
    /// snapshot leaves out its invalid items); the first problem goes to <paramref name="check"/>.</summary>
    internal virtual EaMessage Check(FieldValidator check) => this;
}

public sealed record TerminalInfo
{
    public string Path { get; set; } = "";
    public string DataPath { get; set; } = "";
    public long Build { get; init; }
    public string Name { get; set; } = "";
    public bool Connected { get; init; }
    public bool TradeAllowed { get; init; }

    internal void Check(FieldValidator check)
    {
        check.Text(Path, "path", 1024);
        check.Text(DataPath, "data_path", 1024);
        check.NonNegative(Build, "build");
        check.Text(Name, "name", 256);
    }
}

public sealed record Hello : EaMessage
{
    public required string EaVersion { get; init; }
    public required string Instance { get; init; }
    public string PairingKey { get; set; } = "";
    public required AccountInfo Account { get; init; }
    public required TerminalInfo Terminal { get; init; }

    /// <summary>The trade server's clock at sending (ms), 0 when the EA does not say; sets the book's server clock.</summary>
    public long ServerTimeMsc { get; init; }

    internal override EaMessage Check(FieldValidator check)
    {
        check.Text(EaVersion, "ea_version", 64);
        check.Text(Instance, "instance", 1024);
        check.Text(PairingKey, "pairing_key", 256);
        check.NonNegative(ServerTimeMsc, "server_time_msc");
        Account.Check(check.In("account"));
        Terminal.Check(check.In("terminal"));
        return this;
    }
}

public sealed record Snapshot : EaMessage
{
    public string Reason { get; set; } = "periodic";

    /// <summary>Trade server time in seconds (the server clock when <see cref="ServerTimeMsc"/> is absent).</summary>
    public long ServerTime { get; init; }

    /// <summary>The trade server's clock at the snapshot in ms, 0 when the EA does not say.</summary>
    public long ServerTimeMsc { get; init; }

    /// <summary>TERMINAL_CONNECTED when the snapshot was taken. A disconnected terminal's lists may be incomplete, so
    /// such a snapshot never shrinks the book. An EA that does not send the field counts as connected.</summary>
    public bool Connected { get; set; } = true;
    public required IReadOnlyList<PositionState> Positions { get; init; }
    public required IReadOnlyList<OrderState> Orders { get; init; }
    public required AccountInfo Account { get; init; }

    /// <summary>Items left out because they were invalid (docs/protocol.md, "Malformed input"); the rest was applied.</summary>
    [JsonIgnore]
    public IReadOnlyList<ProtocolError> DroppedItems { get; init; } = [];

    /// <summary>Book keys (identifier, else ticket) of dropped positions whose key could be read: they are present,
    /// only unreadable, so the book keeps them as they were instead of taking them for missing.</summary>
    [JsonIgnore]
    public IReadOnlyList<long> DroppedPositionKeys { get; init; } = [];

    /// <summary>Tickets of dropped orders whose ticket could be read (see <see cref="DroppedPositionKeys"/>).</summary>
    [JsonIgnore]
    public IReadOnlyList<long> DroppedOrderTickets { get; init; } = [];

    /// <summary>
    /// A snapshot whose envelope, account and lists are sound is applied even when some items in the lists are not:
    /// each bad item (or a second item with the same key) is left out and reported in <see cref="DroppedItems"/>,
    /// so one position with, say, a negative SL cannot hold back every later snapshot.
    /// </summary>
    internal override EaMessage Check(FieldValidator check)
    {
        check.Text(Reason, "reason", 32);
        check.NonNegative(ServerTime, "server_time");
        check.NonNegative(ServerTimeMsc, "server_time_msc");
        Account.Check(check.In("account"));
        if (check.Failed)
        {
            return this;
        }

        var item = new FieldValidator();
        var dropped = new List<ProtocolError>();
        var positions = SoundItems(Positions, "positions", "position", item, dropped, p => p.Key(), (p, c) => p.Check(c), out var droppedPositionKeys);
        var orders = SoundItems(Orders, "orders", "order", item, dropped, o => o.Ticket, (o, c) => o.Check(c), out var droppedOrderTickets);
        return dropped.Count == 0
            ? this
            : this with { Positions = positions, Orders = orders, DroppedItems = dropped, DroppedPositionKeys = droppedPositionKeys, DroppedOrderTickets = droppedOrderTickets };
    }

    /// <summary>The items that pass their check and whose key is not listed before; the same list when all do.
    /// <paramref name="droppedKeys"/> gets the keys of dropped items that have one (an item may be null: the list's
    /// elements are not checked for null by the serializer).</summary>
    private static IReadOnlyList<T> SoundItems<T>(IReadOnlyList<T> items, string list, string noun, FieldValidator item, List<ProtocolError> dropped, Func<T, long> key, Action<T, FieldValidator> checkItem, out List<long> droppedKeys)
        where T : class
    {
        droppedKeys = [];
        List<T>? kept = null;
        var keys = new HashSet<long>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var candidate = items[i];
            item.Reset().In(list, i);
            if (candidate is null)
            {
                item.Fail("", "is missing");
            }
            else
            {
                checkItem(candidate, item);
                if (!item.Failed && !keys.Add(key(candidate)))
                {
                    item.Fail("", $"lists {noun} {key(candidate)} twice");
                }
            }

            if (item.Failed)
            {
                dropped.Add(item.Error());
                if (candidate is not null && key(candidate) > 0)
                {
                    droppedKeys.Add(key(candidate));
                }

                kept ??= [.. items.Take(i)];
                continue;
            }

            kept?.Add(candidate!);
        }

        return kept ?? items;
    }
}

public sealed record PositionUpdate : EaMessage
{
    public required PositionState Position { get; init; }

    internal override EaMessage Check(FieldValidator check)
    {
        Position.Check(check.In("position"));
        return this;
    }
}

/// <summary>A position is no longer open. Evidence (a CLOSE) only when <see cref="Deal"/> &gt; 0: the closing deal was
/// found in the terminal's history. With <see cref="Deal"/> = 0 the position becomes unconfirmed.</summary>
public sealed record PositionClosed : EaMessage
{
    public required long Ticket { get; init; }

    /// <summary>POSITION_IDENTIFIER, the book's key; 0 from an EA that does not send it (the ticket is used).</summary>
    public long Identifier { get; init; }
    public double ClosePrice { get; init; }
    public long Deal { get; init; }
    public long TimeMsc { get; init; }

    /// <summary>Volume of the closing deal(s), 0 when unknown.</summary>
    public double Volume { get; init; }

    [JsonIgnore]
    public bool IsEvidence => Deal > 0;

    internal override EaMessage Check(FieldValidator check)
    {
        check.Ticket(Ticket, "ticket");
        check.NonNegative(Identifier, "identifier");
        check.NonNegative(ClosePrice, "close_price");
        check.NonNegative(Deal, "deal");
        check.NonNegative(TimeMsc, "time_msc");
        check.NonNegative(Volume, "volume");
        return this;
    }
}

public sealed record OrderUpdate : EaMessage
{
    public required OrderState Order { get; init; }

    internal override EaMessage Check(FieldValidator check)
    {
        Order.Check(check.In("order"));
        return this;
    }
}

public sealed record OrderRemoved : EaMessage
{
    public required long Ticket { get; init; }
    public string Reason { get; set; } = OrderRemovalReasons.Unknown;
    public long PositionId { get; init; }

    internal override EaMessage Check(FieldValidator check)
    {
        check.Ticket(Ticket, "ticket");
        if (!OrderRemovalReasons.IsKnown(Reason))
        {
            check.Fail("reason", $"has unknown value '{FieldValidator.Truncate(Reason)}'");
        }

        check.NonNegative(PositionId, "position_id");
        return this;
    }
}

public sealed record Heartbeat : EaMessage;

public sealed record Goodbye : EaMessage
{
    public string Reason { get; set; } = "unknown";

    internal override EaMessage Check(FieldValidator check)
    {
        check.Text(Reason, "reason", 32);
        return this;
    }
}

public static class OrderRemovalReasons
{
    public const string Filled = "filled";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";

    public static bool IsKnown(string reason) =>
        reason is Filled or Cancelled or Expired or Rejected or Unknown;

    /// <summary>A reason read from the order's history state; <see cref="Unknown"/> is no evidence.</summary>
    public static bool IsEvidence(string reason) => reason is Filled or Cancelled or Expired or Rejected;
}

/// <summary>A relay → EA message. <c>type</c> is the discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Welcome), "welcome")]
[JsonDerivedType(typeof(Resync), "resync")]
[JsonDerivedType(typeof(HeartbeatReply), "heartbeat")]
[JsonDerivedType(typeof(Lookup), "lookup")]
public abstract record RelayMessage
{
    [JsonPropertyName("v")]
    [JsonPropertyOrder(-3)]
    [JsonRequired]
    public int Version { get; init; } = EaMessage.CurrentVersion;

    [JsonPropertyOrder(-2)]
    public required string Session { get; init; }

    /// <summary>Relay → EA messages carry seq 0 (docs/protocol.md, "Messages"); what a reader finds there is ignored.</summary>
    [JsonPropertyOrder(-1)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "A wire field: the serializer writes instance properties only.")]
    public long Seq => 0;

    internal virtual void Check(FieldValidator check)
    {
    }
}

public sealed record Welcome : RelayMessage
{
    public required bool Accepted { get; init; }
    public string Reason { get; set; } = "";
    public string Message { get; set; } = "";
    public int HeartbeatMs { get; set; } = 1000;

    /// <summary>Informative, always the default 50: the EA's ReconcileMs input sets its reconciliation period.</summary>
    public int ReconcileMs { get; set; } = 50;
    public string RelayVersion { get; set; } = "";

    internal override void Check(FieldValidator check)
    {
        check.Text(Reason, "reason", 64);
        check.Text(Message, "message", 1024);
        check.Positive(HeartbeatMs, "heartbeat_ms");
        check.Positive(ReconcileMs, "reconcile_ms");
        check.Text(RelayVersion, "relay_version", 64);
    }
}

public sealed record Resync : RelayMessage
{
    public required string Reason { get; init; }

    internal override void Check(FieldValidator check) => check.Text(Reason, "reason", 64);
}

/// <summary>The answer to a heartbeat; also says whether the signal API is taking signals (the EA alerts the trader
/// when it has not for a while).</summary>
public sealed record HeartbeatReply : RelayMessage
{
    public bool ApiOk { get; set; } = true;
    public string ApiError { get; set; } = "";

    internal override void Check(FieldValidator check) => check.Text(ApiError, "api_error", 1024);
}

/// <summary>"Tell me about these": positions and orders the relay holds as unconfirmed (missing without evidence).
/// The EA answers each with its current state, or its evidence from history, or nothing yet.</summary>
public sealed record Lookup : RelayMessage
{
    public required IReadOnlyList<LookupPosition> Positions { get; init; }
    public required IReadOnlyList<long> Orders { get; init; }

    internal override void Check(FieldValidator check)
    {
        for (var i = 0; i < Positions.Count; i++)
        {
            check.In("positions", i);
            if (Positions[i] is not { } position)
            {
                check.Fail("", "is missing");
                continue;
            }

            check.Ticket(position.Ticket, "ticket");
            check.NonNegative(position.Identifier, "identifier");
        }

        for (var i = 0; i < Orders.Count; i++)
        {
            check.In("orders", i).Ticket(Orders[i], "");
        }
    }
}

public sealed record LookupPosition(long Ticket, long Identifier);

public static class RefusalReasons
{
    public const string WrongAccount = "wrong_account";
    public const string BadPairingKey = "bad_pairing_key";
    public const string UnsupportedVersion = "unsupported_version";
    public const string AnotherTerminalActive = "another_terminal_active";
    public const string NotLoggedIn = "not_logged_in";
    public const string InvalidHello = "invalid_hello";
}

public static class ResyncReasons
{
    public const string SeqGap = "seq_gap";
    public const string UnknownSession = "unknown_session";

    /// <summary>After a failed store. The EA sends a snapshot for any reason but unknown_session; this one tells its
    /// log, and whoever reads a capture, that the relay's disk was the cause, not a lost message.</summary>
    public const string StorageFailed = "storage_failed";
}
