using System.Text.Json.Serialization;

namespace MasterSender.Core.Protocol;

// The JSON shapes of docs/protocol.md, one flat class per object. Every field is optional here so that a
// missing one is reported by name by ProtocolReader's validation rather than as an opaque serializer error.
// These types never leave the Protocol folder: ProtocolReader/ProtocolWriter map them to the domain records.

internal sealed class WireMessage
{
    public int? V { get; set; }
    public string? Type { get; set; }
    public string? Session { get; set; }
    public long? Seq { get; set; }

    // hello
    public string? EaVersion { get; set; }
    public string? Instance { get; set; }
    public string? PairingKey { get; set; }
    public WireAccount? Account { get; set; }
    public WireTerminal? Terminal { get; set; }

    // hello, snapshot
    public long? ServerTimeMsc { get; set; }

    // snapshot
    public string? Reason { get; set; }
    public long? ServerTime { get; set; }
    public bool? Connected { get; set; }
    public List<WirePosition?>? Positions { get; set; }
    public List<WireOrder?>? Orders { get; set; }

    // position / order
    public WirePosition? Position { get; set; }
    public WireOrder? Order { get; set; }

    // position_closed / order_removed
    public long? Ticket { get; set; }
    public long? Identifier { get; set; }
    public double? Volume { get; set; }
    public double? ClosePrice { get; set; }
    public long? Deal { get; set; }
    public long? TimeMsc { get; set; }
    public long? PositionId { get; set; }
}

/// <summary>Relay → EA messages: a type of their own because <c>lookup</c> lists orders as bare tickets.</summary>
internal sealed class WireRelayMessage
{
    public int? V { get; set; }
    public string? Type { get; set; }
    public string? Session { get; set; }
    public long? Seq { get; set; }

    // welcome, resync
    public bool? Accepted { get; set; }
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public int? HeartbeatMs { get; set; }
    public int? ReconcileMs { get; set; }
    public string? RelayVersion { get; set; }

    // heartbeat (relay → EA)
    public bool? ApiOk { get; set; }
    public string? ApiError { get; set; }

    // lookup
    public List<WireLookupPosition>? Positions { get; set; }
    public List<long>? Orders { get; set; }
}

internal sealed class WireLookupPosition
{
    public long? Ticket { get; set; }
    public long? Identifier { get; set; }
}

internal sealed class WireAccount
{
    public long? Login { get; set; }
    public string? Server { get; set; }
    public string? Company { get; set; }
    public string? Currency { get; set; }
    public double? Balance { get; set; }
    public double? Equity { get; set; }
    public double? Margin { get; set; }
    public double? MarginFree { get; set; }
    public double? MarginLevel { get; set; }
    public long? Leverage { get; set; }
    public string? MarginMode { get; set; }
}

internal sealed class WireTerminal
{
    public string? Path { get; set; }
    public string? DataPath { get; set; }
    public long? Build { get; set; }
    public string? Name { get; set; }
    public bool? Connected { get; set; }
    public bool? TradeAllowed { get; set; }
}

internal sealed class WirePosition
{
    public long? Ticket { get; set; }
    public long? Identifier { get; set; }
    public string? Symbol { get; set; }
    public string? Type { get; set; }
    public double? Volume { get; set; }
    public double? PriceOpen { get; set; }
    public double? Sl { get; set; }
    public double? Tp { get; set; }
    public double? PriceCurrent { get; set; }
    public double? Profit { get; set; }
    public long? TimeMsc { get; set; }
    public long? TimeUpdateMsc { get; set; }
    public long? Magic { get; set; }
    public string? Comment { get; set; }
}

internal sealed class WireOrder
{
    public long? Ticket { get; set; }
    public string? Symbol { get; set; }
    public string? Type { get; set; }
    public double? Volume { get; set; }
    public double? VolumeInitial { get; set; }
    public double? PriceOpen { get; set; }
    public double? PriceStoplimit { get; set; }
    public double? Sl { get; set; }
    public double? Tp { get; set; }
    public string? TypeTime { get; set; }
    public long? ExpirationMsc { get; set; }
    public long? TimeSetupMsc { get; set; }
    public long? Magic { get; set; }
    public string? Comment { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(WireRelayMessage))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
