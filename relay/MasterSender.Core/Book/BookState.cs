using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Core.Protocol;

namespace MasterSender.Core.Book;

/// <summary>The persisted form of a <see cref="TradeBook"/>; stored by the outbox in the same transaction as the signals it produced.
/// Fields added later have defaults, so a row written by an older relay still reads (its positions are re-keyed by
/// identifier on load, and nothing is unconfirmed).</summary>
public sealed record BookState
{
    public required long Login { get; init; }
    public bool HasBaseline { get; init; }
    public required List<PositionState> Positions { get; init; }
    public required List<OrderState> Orders { get; init; }
    public List<OrderState> RecentlyRemovedOrders { get; init; } = [];
    public required Dictionary<string, int> Revisions { get; init; }
    public List<string> RetiredTickets { get; init; } = [];

    /// <summary>Unconfirmed positions: book key (identifier, else ticket) → relay ms when it went missing.</summary>
    public Dictionary<long, long> UnconfirmedPositions { get; init; } = [];

    /// <summary>Unconfirmed pending orders: ticket → relay ms when it went missing.</summary>
    public Dictionary<long, long> UnconfirmedOrders { get; init; } = [];

    /// <summary>Trade server clock minus relay clock (ms), when known.</summary>
    public long? ServerClockOffsetMs { get; init; }

    /// <summary>Number of the latest ticket retirement (<see cref="RevisionLedger"/>); 0 in a book written before it was kept.</summary>
    public long RetiredCounter { get; init; }

    /// <summary>Number of the latest recently-removed order (<see cref="RecentlyRemovedOrders"/>); 0 likewise.</summary>
    public long RemovedOrderCounter { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, BookStateJsonContext.Default.BookState);

    /// <summary>Null when the text is not a book this version can read; the caller then starts from an empty book
    /// and the next snapshot re-creates it as a baseline, without signals.</summary>
    public static BookState? Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, BookStateJsonContext.Default.BookState);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BookState))]
[JsonSerializable(typeof(StoredPosition))]
[JsonSerializable(typeof(StoredOrder))]
[JsonSerializable(typeof(StoredRevision))]
[JsonSerializable(typeof(StoredRemovedOrder))]
internal sealed partial class BookStateJsonContext : JsonSerializerContext;
