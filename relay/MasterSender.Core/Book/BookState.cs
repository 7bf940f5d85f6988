using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Core.Protocol;

namespace MasterSender.Core.Book;

/// <summary>The persisted form of a <see cref="TradeBook"/>; stored by the outbox in the same transaction as the signals it produced.</summary>
public sealed record BookState
{
    public required long Login { get; init; }
    public bool HasBaseline { get; init; }
    public required List<PositionState> Positions { get; init; }
    public required List<OrderState> Orders { get; init; }
    public List<OrderState> RecentlyRemovedOrders { get; init; } = [];
    public required Dictionary<string, int> Revisions { get; init; }
    public List<string> RetiredTickets { get; init; } = [];

    public string Serialize() => JsonSerializer.Serialize(this, BookStateJsonContext.Default.BookState);

    /// <summary>Null when the text is not a book this version can read; the caller then starts from an empty book
    /// and the next snapshot re-creates it (possibly re-announcing open positions as OPEN).</summary>
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
internal sealed partial class BookStateJsonContext : JsonSerializerContext;
