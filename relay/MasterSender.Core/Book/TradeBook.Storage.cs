namespace MasterSender.Core.Book;

/// <summary>The book's stored form: the whole state (<see cref="ToState"/>, <see cref="FromState"/>) and what changed
/// since the last commit (<see cref="TakeChanges"/>).</summary>
public sealed partial class TradeBook
{
    /// <summary>Everything needed to continue after a restart without repeating or missing a signal.</summary>
    public BookState ToState() => new()
    {
        Login = Login,
        HasBaseline = HasBaseline,
        Positions = [.. _positions.Values],
        Orders = [.. _orders.Values],
        RecentlyRemovedOrders = [.. _recentlyRemovedOrders.Orders],
        Revisions = _ledger.ExportRevisions(),
        RetiredTickets = _ledger.ExportRetired(),
        UnconfirmedPositions = _positionsMissingSince.ToDictionary(),
        UnconfirmedOrders = _ordersMissingSince.ToDictionary(),
        ServerClockOffsetMs = _serverClockOffsetMs,
        RetiredCounter = _ledger.RetiredCounter,
        RemovedOrderCounter = _recentlyRemovedOrders.Counter,
    };

    /// <summary>
    /// What the next commit must store (<see cref="BookStorage"/>): the header, and each piece written or removed since
    /// the last call (every piece on the first call of a book not read from its pieces). Call once per commit; if the
    /// commit fails, drop this book and read the stored one again, since what changed is forgotten here.
    /// </summary>
    public BookChanges TakeChanges()
    {
        var header = BookStorage.Header(new BookState
        {
            Login = Login,
            HasBaseline = HasBaseline,
            Positions = [],
            Orders = [],
            Revisions = [],
            ServerClockOffsetMs = _serverClockOffsetMs,
            RetiredCounter = _ledger.RetiredCounter,
            RemovedOrderCounter = _recentlyRemovedOrders.Counter,
        });
        var rewrite = _storeEverything;
        _storeEverything = false;
        var positions = _positions.TakeChangedKeys().ToHashSet();
        var orders = _orders.TakeChangedKeys().ToHashSet();
        var revisions = _ledger.TakeChangedKeys();
        var positionsMissing = _positionsMissingSince.TakeChangedKeys();
        var ordersMissing = _ordersMissingSince.TakeChangedKeys();
        var removedOrders = _recentlyRemovedOrders.TakeChangedKeys();
        if (rewrite)
        {
            positions = [.. _positions.Keys];
            orders = [.. _orders.Keys];
            revisions = [.. _ledger.Keys];
            positionsMissing = [.. _positionsMissingSince.Keys];
            ordersMissing = [.. _ordersMissingSince.Keys];
            removedOrders = [.. _recentlyRemovedOrders.Tickets];
            _standaloneRevisions.Clear();
        }

        var items = new List<BookItem>(positions.Count + orders.Count + revisions.Count + positionsMissing.Count + ordersMissing.Count + removedOrders.Count);
        foreach (var key in revisions)
        {
            // A live position's or order's counter goes in its own piece: a trailing stop's commit then writes 1,000
            // rows rather than 2,000. Only the counters of tickets no longer in the book have pieces of their own.
            if (LiveItem(key) is { } live)
            {
                (live.IsPosition ? positions : orders).Add(live.Key);
                if (_standaloneRevisions.Remove(key))
                {
                    items.Add(BookStorage.Revision(key, null));
                }
            }
            else if (_ledger.Entry(key) is { } entry)
            {
                _standaloneRevisions.Add(key);
                items.Add(BookStorage.Revision(key, entry));
            }
            else if (_standaloneRevisions.Remove(key))
            {
                items.Add(BookStorage.Revision(key, null));
            }
        }

        items.AddRange(positions.Select(key => _positions.TryGetValue(key, out var position)
            ? BookStorage.Position(key, position, RevisionOf(SignalFactory.PositionKey(key)))
            : BookStorage.Position(key, null, 0)));
        items.AddRange(orders.Select(ticket => _orders.TryGetValue(ticket, out var order)
            ? BookStorage.Order(ticket, order, RevisionOf(SignalFactory.OrderKey(ticket)))
            : BookStorage.Order(ticket, null, 0)));
        items.AddRange(positionsMissing.Select(key => BookStorage.Unconfirmed(BookItemKind.UnconfirmedPosition, key, _positionsMissingSince.TryGetValue(key, out var since) ? since : null)));
        items.AddRange(ordersMissing.Select(ticket => BookStorage.Unconfirmed(BookItemKind.UnconfirmedOrder, ticket, _ordersMissingSince.TryGetValue(ticket, out var since) ? since : null)));
        items.AddRange(removedOrders.Select(ticket => BookStorage.RemovedOrder(ticket, _recentlyRemovedOrders.Entry(ticket))));
        return new BookChanges(header, items, rewrite);
    }

    /// <param name="state">As <see cref="ToState"/> made it, or as <see cref="BookStorage.Load"/> put it together.</param>
    /// <param name="fromItems">True when read from its stored pieces: the next commit stores only what changes. False
    /// for a single stored document (an older relay's): the next commit stores every piece.</param>
    public static TradeBook FromState(BookState state, BookRules? rules = null, bool fromItems = false)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ledger = RevisionLedger.Import(state.Revisions, state.RetiredTickets ?? [], state.RetiredCounter);
        var removed = RecentlyRemovedOrders.Import(state.RecentlyRemovedOrders ?? [], state.RemovedOrderCounter, RecentlyRemovedCapacity);
        var book = new TradeBook(state.Login, ledger, removed, rules)
        {
            HasBaseline = state.HasBaseline,
            _serverClockOffsetMs = state.ServerClockOffsetMs,
        };

        // Keyed by identifier whatever the row's age: a book written when positions were keyed by ticket re-keys here.
        foreach (var position in state.Positions)
        {
            book._positions[position.Key()] = position;
        }

        foreach (var order in state.Orders)
        {
            book._orders[order.Ticket] = order;
        }

        // Fields a row written by an older relay lacks read as null (the serializer sets every init property).
        foreach (var (key, since) in (state.UnconfirmedPositions ?? []).Where(u => book._positions.ContainsKey(u.Key)))
        {
            book._positionsMissingSince[key] = since;
        }

        foreach (var (ticket, since) in (state.UnconfirmedOrders ?? []).Where(u => book._orders.ContainsKey(u.Key)))
        {
            book._ordersMissingSince[ticket] = since;
        }

        book._positions.TakeChangedKeys();
        book._orders.TakeChangedKeys();
        book._positionsMissingSince.TakeChangedKeys();
        book._ordersMissingSince.TakeChangedKeys();
        book._storeEverything = !fromItems;
        foreach (var key in ledger.Keys.Where(key => book.LiveItem(key) is null))
        {
            book._standaloneRevisions.Add(key);
        }

        return book;
    }

    /// <summary>The position or order in the book whose revision counter <paramref name="ticketKey"/> is, unless it
    /// is retired: its piece carries the counter.</summary>
    private (bool IsPosition, long Key)? LiveItem(string ticketKey)
    {
        if (_ledger.IsRetired(ticketKey) || ticketKey.Length < 2 || !long.TryParse(ticketKey.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key))
        {
            return null;
        }

        return ticketKey[0] switch
        {
            'P' when _positions.ContainsKey(key) && SignalFactory.PositionKey(key) == ticketKey => (true, key),
            'O' when _orders.ContainsKey(key) && SignalFactory.OrderKey(key) == ticketKey => (false, key),
            _ => null,
        };
    }

    /// <summary>The counter an item in the book carries in its piece: 0 when it has none (nothing was ever signalled for it).</summary>
    private int RevisionOf(string ticketKey) => _ledger.Entry(ticketKey) is { } entry ? entry.Revision : 0;
}
