using System.Collections.Immutable;
using MasterSender.Core.Book;
using MasterSender.Core.Protocol;

namespace MasterSender.Ingress;

/// <summary>
/// What the page reads of one account's book: an immutable copy the poller thread makes after a turn that touched the
/// book, so readers on other threads never see the book (which the poller mutates) half-changed and take no lock.
/// </summary>
public sealed record BookView(
    long Login,
    bool HasBaseline,
    IReadOnlyList<PositionState> Positions,
    IReadOnlyList<OrderState> Orders,
    IReadOnlyList<UnconfirmedItem> Unconfirmed)
{
    /// <summary>A book the poller has not published yet (nothing has touched it since start).</summary>
    public static BookView Empty(long login) => new(login, false, [], [], []);

    internal static BookView Of(TradeBook book) => new(
        book.Login,
        book.HasBaseline,
        [.. book.Positions.Values],
        [.. book.Orders.Values],
        book.HasUnconfirmed ? book.Unconfirmed : []);
}

/// <summary>
/// Publishes <see cref="BookView"/>s. The poller thread owns <see cref="_touched"/> and is the only writer of
/// <see cref="_published"/>, which it replaces whole (an immutable map swapped by reference, as
/// <see cref="TerminalStatusTracker"/> publishes the status); any thread reads it.
/// A view copies the whole book, so it is not made after every turn: a turn that sends replies publishes (an EA that
/// got an answer, and a test, find its earlier messages shown), the others leave their books touched for the
/// endpoint's view timer (<see cref="PublishEvery"/>). A turn is often one message; copying a 1,000-position book
/// after each of them was most of the poller's work while trailing.
/// </summary>
internal sealed class BookViews
{
    private readonly HashSet<long> _touched = [];
    private ImmutableDictionary<long, BookView> _published = ImmutableDictionary<long, BookView>.Empty;

    /// <summary>How stale a view may get while messages that need no reply keep coming (the page refreshes every second).</summary>
    public static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>Poller thread: some book changed since its view was published.</summary>
    public bool HasUnpublished => _touched.Count > 0;

    /// <summary>The last published view of the account's book, or null when none is published yet.</summary>
    public BookView? Find(long login) => Volatile.Read(ref _published).GetValueOrDefault(login);

    /// <summary>Poller thread: the account's book may have changed this turn.</summary>
    public void Touch(long login) => _touched.Add(login);

    /// <summary>Poller thread, end of a turn: a fresh view of each touched book. A book that cannot be read now keeps
    /// its last view (the failure is the session rules' to report and recover from).</summary>
    public void Publish(Func<long, TradeBook?> book)
    {
        if (_touched.Count == 0)
        {
            return;
        }

        var next = _published;
        foreach (var login in _touched)
        {
            if (book(login) is { } current)
            {
                next = next.SetItem(login, BookView.Of(current));
            }
        }

        _touched.Clear();
        Volatile.Write(ref _published, next);
    }
}
