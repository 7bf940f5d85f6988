using System.Globalization;
using System.Text.Json;
using MasterSender.Core.Protocol;

namespace MasterSender.Core.Book;

/// <summary>The pieces a book is stored in, one row each (see <see cref="BookStorage"/>).</summary>
public enum BookItemKind
{
    Position = 1,
    Order = 2,
    Revision = 3,
    UnconfirmedPosition = 4,
    UnconfirmedOrder = 5,
    RemovedOrder = 6,
}

/// <summary>One stored piece of a book: a position or an order (with its ticket's revision counter), the counter of a ticket no longer in the book… <paramref name="Value"/>
/// null in <see cref="BookChanges"/>: the piece is gone and its row is deleted.</summary>
public readonly record struct BookItem(BookItemKind Kind, string Key, string? Value);

/// <summary>What one commit stores of a book: the header always, and the pieces that changed since the last commit;
/// with <paramref name="Rewrite"/>, every piece, replacing whatever the store held for the account.</summary>
public sealed record BookChanges(string Header, IReadOnlyList<BookItem> Items, bool Rewrite);

/// <summary>A book as the journal holds it: the header and every piece.</summary>
public sealed record StoredBook(string Header, IReadOnlyList<BookItem> Items);

/// <summary>A book read back: the state, and whether it came from pieces (else from the single JSON document older
/// relays wrote, whose next commit then rewrites every piece).</summary>
public sealed record LoadedBook(BookState State, bool FromItems);

/// <summary>
/// A book stored in pieces: a small header (account, baseline, clock offset, counters) and one row per position or
/// order (with its ticket's revision counter), per revision counter of a ticket no longer in the book, per unconfirmed
/// item and per recently removed order, so a commit writes what changed instead of the whole book. The whole book as
/// one JSON document grew with every position open and every ticket ever retired (up to 10,000 kept): 120 KB with 500
/// positions open, 235 KB after 10,000 closes, written and fsync'ed with every signal. The header starts with <see cref="HeaderMark"/>, which an older relay cannot read as a book: it then starts
/// from an empty one and adopts the next snapshot without signals (never a false signal), and its own single-document
/// write is recognised here by the missing mark (its pieces, stale by then, are ignored and rewritten).
/// </summary>
public static class BookStorage
{
    public const string HeaderMark = "book-items-v1:";

    public static string Header(BookState header) => HeaderMark + header.Serialize();

    /// <param name="revision">The ticket's revision counter, carried in the position's piece; 0: none.</param>
    public static BookItem Position(long key, PositionState? position, int revision) =>
        new(BookItemKind.Position, Key(key), position is null ? null : JsonSerializer.Serialize(new StoredPosition(revision, position), BookStateJsonContext.Default.StoredPosition));

    /// <param name="revision">The ticket's revision counter, carried in the order's piece; 0: none.</param>
    public static BookItem Order(long ticket, OrderState? order, int revision) =>
        new(BookItemKind.Order, Key(ticket), order is null ? null : JsonSerializer.Serialize(new StoredOrder(revision, order), BookStateJsonContext.Default.StoredOrder));

    public static BookItem Revision(string ticketKey, (int Revision, long? RetiredNumber)? entry) =>
        new(BookItemKind.Revision, ticketKey, entry is { } e ? JsonSerializer.Serialize(new StoredRevision(e.Revision, e.RetiredNumber), BookStateJsonContext.Default.StoredRevision) : null);

    public static BookItem Unconfirmed(BookItemKind kind, long key, long? sinceMs) =>
        new(kind, Key(key), sinceMs?.ToString(CultureInfo.InvariantCulture));

    public static BookItem RemovedOrder(long ticket, (OrderState Order, long Number)? removed) =>
        new(BookItemKind.RemovedOrder, Key(ticket), removed is { } r ? JsonSerializer.Serialize(new StoredRemovedOrder(r.Number, r.Order), BookStateJsonContext.Default.StoredRemovedOrder) : null);

    /// <summary>What a journal holds after storing <paramref name="changes"/> over <paramref name="before"/>: the
    /// meaning of <see cref="BookChanges"/>, in memory (the SQLite outbox does the same in SQL; in-memory journals call this).</summary>
    public static StoredBook Apply(StoredBook? before, BookChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var items = new Dictionary<(BookItemKind, string), string>();
        if (before is not null && !changes.Rewrite)
        {
            foreach (var item in before.Items)
            {
                items[(item.Kind, item.Key)] = item.Value!;
            }
        }

        foreach (var item in changes.Items)
        {
            if (item.Value is null)
            {
                items.Remove((item.Kind, item.Key));
            }
            else
            {
                items[(item.Kind, item.Key)] = item.Value;
            }
        }

        return new StoredBook(changes.Header, [.. items.Select(i => new BookItem(i.Key.Item1, i.Key.Item2, i.Value))]);
    }

    /// <summary>Null when the header or any piece is not something this version can read: the caller then starts from an
    /// empty book and adopts the next snapshot as a baseline, without signals.</summary>
    public static LoadedBook? Load(StoredBook stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!stored.Header.StartsWith(HeaderMark, StringComparison.Ordinal))
        {
            return BookState.Deserialize(stored.Header) is { } whole ? new LoadedBook(whole, FromItems: false) : null;
        }

        try
        {
            return BookState.Deserialize(stored.Header[HeaderMark.Length..]) is { } header ? new LoadedBook(Assemble(header, stored.Items), FromItems: true) : null;
        }
        catch (Exception unreadable) when (unreadable is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }

    private static BookState Assemble(BookState header, IReadOnlyList<BookItem> items)
    {
        var positions = new List<PositionState>();
        var orders = new List<OrderState>();
        var revisions = new Dictionary<string, int>(StringComparer.Ordinal);
        var retired = new List<(long Number, string Key)>();
        var unconfirmedPositions = new Dictionary<long, long>();
        var unconfirmedOrders = new Dictionary<long, long>();
        var removedOrders = new List<StoredRemovedOrder>();
        foreach (var item in items)
        {
            var value = item.Value ?? throw new InvalidOperationException($"Stored book piece {item.Kind} {item.Key} has no value.");
            switch (item.Kind)
            {
                case BookItemKind.Position:
                    var position = Read(value, BookStateJsonContext.Default.StoredPosition);
                    positions.Add(position.Position);
                    KeepLatest(revisions, SignalFactory.PositionKey(position.Position.Key()), position.Revision);
                    break;
                case BookItemKind.Order:
                    var order = Read(value, BookStateJsonContext.Default.StoredOrder);
                    orders.Add(order.Order);
                    KeepLatest(revisions, SignalFactory.OrderKey(order.Order.Ticket), order.Revision);
                    break;
                case BookItemKind.Revision:
                    var revision = Read(value, BookStateJsonContext.Default.StoredRevision);
                    KeepLatest(revisions, item.Key, revision.Revision);
                    if (revision.Retired is { } number)
                    {
                        retired.Add((number, item.Key));
                    }

                    break;
                case BookItemKind.UnconfirmedPosition:
                    unconfirmedPositions[ParseKey(item.Key)] = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case BookItemKind.UnconfirmedOrder:
                    unconfirmedOrders[ParseKey(item.Key)] = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case BookItemKind.RemovedOrder:
                    removedOrders.Add(Read(value, BookStateJsonContext.Default.StoredRemovedOrder));
                    break;
                default:
                    throw new InvalidOperationException($"Stored book piece of unknown kind {(int)item.Kind}.");
            }
        }

        return header with
        {
            Positions = positions,
            Orders = orders,
            Revisions = revisions,
            RetiredTickets = [.. retired.OrderBy(r => r.Number).Select(r => r.Key)],
            UnconfirmedPositions = unconfirmedPositions,
            UnconfirmedOrders = unconfirmedOrders,
            RecentlyRemovedOrders = [.. removedOrders.OrderBy(r => r.Number).Select(r => r.Order)],
        };
    }

    private static void KeepLatest(Dictionary<string, int> revisions, string ticketKey, int revision)
    {
        if (revision > 0 && revision > revisions.GetValueOrDefault(ticketKey))
        {
            revisions[ticketKey] = revision;
        }
    }

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new JsonException($"A stored book piece read as null: {json}");

    private static string Key(long key) => key.ToString(CultureInfo.InvariantCulture);

    private static long ParseKey(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}

/// <summary>A position's piece: the position and its ticket's revision counter (0: none).</summary>
internal sealed record StoredPosition(int Revision, PositionState Position);

/// <summary>A pending order's piece: the order and its ticket's revision counter (0: none).</summary>
internal sealed record StoredOrder(int Revision, OrderState Order);

/// <summary>The revision counter of a ticket no longer in the book and, when retired, the number of its retirement.</summary>
internal sealed record StoredRevision(int Revision, long? Retired);

/// <summary>A recently removed pending order with the number that orders it among the others.</summary>
internal sealed record StoredRemovedOrder(long Number, OrderState Order);
