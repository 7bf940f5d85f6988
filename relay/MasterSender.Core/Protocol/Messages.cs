namespace MasterSender.Core.Protocol;

/// <summary>Fields every EA → relay message carries (docs/protocol.md, "Messages").</summary>
public abstract record EaMessage
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public required string Session { get; init; }
    public required long Seq { get; init; }
}

public sealed record TerminalInfo
{
    public string Path { get; init; } = "";
    public string DataPath { get; init; } = "";
    public long Build { get; init; }
    public string Name { get; init; } = "";
    public bool Connected { get; init; }
    public bool TradeAllowed { get; init; }
}

public sealed record Hello : EaMessage
{
    public required string EaVersion { get; init; }
    public required string Instance { get; init; }
    public string PairingKey { get; init; } = "";
    public required AccountInfo Account { get; init; }
    public required TerminalInfo Terminal { get; init; }

    /// <summary>The trade server's clock at sending (ms), 0 when the EA does not say; sets the book's server clock.</summary>
    public long ServerTimeMsc { get; init; }
}

public sealed record Snapshot : EaMessage
{
    public string Reason { get; init; } = "periodic";

    /// <summary>Trade server time in seconds (the server clock when <see cref="ServerTimeMsc"/> is absent).</summary>
    public long ServerTime { get; init; }

    /// <summary>The trade server's clock at the snapshot in ms, 0 when the EA does not say.</summary>
    public long ServerTimeMsc { get; init; }

    /// <summary>TERMINAL_CONNECTED when the snapshot was taken. A disconnected terminal's lists may be incomplete, so
    /// such a snapshot never shrinks the book. An EA that does not send the field counts as connected.</summary>
    public bool Connected { get; init; } = true;
    public required AccountInfo Account { get; init; }
    public required IReadOnlyList<PositionState> Positions { get; init; }
    public required IReadOnlyList<OrderState> Orders { get; init; }

    /// <summary>Items left out because they were invalid (docs/protocol.md, "Malformed input"); the rest was applied.</summary>
    public IReadOnlyList<ProtocolError> DroppedItems { get; init; } = [];

    /// <summary>Book keys (identifier, else ticket) of dropped positions whose key could be read: they are present,
    /// only unreadable, so the book keeps them as they were instead of taking them for missing.</summary>
    public IReadOnlyList<long> DroppedPositionKeys { get; init; } = [];

    /// <summary>Tickets of dropped orders whose ticket could be read (see <see cref="DroppedPositionKeys"/>).</summary>
    public IReadOnlyList<long> DroppedOrderTickets { get; init; } = [];
}

public sealed record PositionUpdate : EaMessage
{
    public required PositionState Position { get; init; }
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

    public bool IsEvidence => Deal > 0;
}

public sealed record OrderUpdate : EaMessage
{
    public required OrderState Order { get; init; }
}

public sealed record OrderRemoved : EaMessage
{
    public required long Ticket { get; init; }
    public string Reason { get; init; } = OrderRemovalReasons.Unknown;
    public long PositionId { get; init; }
}

public sealed record Heartbeat : EaMessage;

public sealed record Goodbye : EaMessage
{
    public string Reason { get; init; } = "unknown";
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

/// <summary>Relay → EA messages. They carry <c>seq</c> 0.</summary>
public abstract record RelayMessage
{
    public int Version { get; init; } = EaMessage.CurrentVersion;
    public required string Session { get; init; }
}

public sealed record Welcome : RelayMessage
{
    public required bool Accepted { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";
    public int HeartbeatMs { get; init; } = 1000;

    /// <summary>Informative, always the default 50: the EA's ReconcileMs input sets its reconciliation period.</summary>
    public int ReconcileMs { get; init; } = 50;
    public string RelayVersion { get; init; } = "";
}

public sealed record Resync : RelayMessage
{
    public required string Reason { get; init; }
}

/// <summary>The answer to a heartbeat; also says whether the signal API is taking signals (the EA alerts the trader
/// when it has not for a while).</summary>
public sealed record HeartbeatReply : RelayMessage
{
    public bool ApiOk { get; init; } = true;
    public string ApiError { get; init; } = "";
}

/// <summary>"Tell me about these": positions and orders the relay holds as unconfirmed (missing without evidence).
/// The EA answers each with its current state, or its evidence from history, or nothing yet.</summary>
public sealed record Lookup : RelayMessage
{
    public required IReadOnlyList<LookupPosition> Positions { get; init; }
    public required IReadOnlyList<long> Orders { get; init; }
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
}
