using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Book;

/// <summary>
/// The last known positions and pending orders of one account, and the rules that turn a difference between
/// that and what the terminal reports into signals. State, not events, is the truth: every message is compared with
/// the book, so the same state twice yields nothing and a snapshot finds whatever an event missed.
/// Not thread-safe: one pipeline owns a book.
/// </summary>
public sealed class TradeBook
{
    /// <summary>Volumes are lot multiples well above this; below it two volumes are the same.</summary>
    private const double VolumeTolerance = 1e-9;
    private const int RecentlyRemovedCapacity = 1_000;

    private readonly SortedDictionary<long, PositionState> _positions = new();
    private readonly SortedDictionary<long, OrderState> _orders = new();
    private readonly RevisionLedger _ledger;

    // Pending orders that left the book lately, so that a position their fill opened, reported after the
    // order's removal, still carries the order's ticket.
    private readonly Dictionary<long, OrderState> _recentlyRemovedOrders = new();
    private readonly Queue<long> _recentlyRemovedOrder = new();

    public TradeBook(long login)
        : this(login, new RevisionLedger())
    {
    }

    private TradeBook(long login, RevisionLedger ledger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(login);
        Login = login;
        _ledger = ledger;
    }

    public long Login { get; }

    /// <summary>
    /// False until the first snapshot. That snapshot is adopted without signals: positions that were open before
    /// the relay ever ran are not news, and a follower must not open a trade the master opened days ago.
    /// </summary>
    public bool HasBaseline { get; private set; }

    public IReadOnlyDictionary<long, PositionState> Positions => _positions;

    public IReadOnlyDictionary<long, OrderState> Orders => _orders;

    /// <summary>Applies any state-carrying message; messages without trade state (hello, heartbeat…) yield nothing.</summary>
    public IReadOnlyList<Signal> Apply(EaMessage message, long nowMs) => message switch
    {
        Snapshot snapshot => ApplySnapshot(snapshot, nowMs),
        PositionUpdate update => ApplyPosition(update.Position, nowMs),
        PositionClosed closed => ApplyPositionClosed(closed, nowMs),
        OrderUpdate update => ApplyOrder(update.Order, nowMs),
        OrderRemoved removed => ApplyOrderRemoved(removed, nowMs),
        _ => [],
    };

    /// <summary>Makes the book equal to the snapshot. Anything the book has that the snapshot lacks is gone.</summary>
    public IReadOnlyList<Signal> ApplySnapshot(Snapshot snapshot, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!HasBaseline && _positions.Count == 0 && _orders.Count == 0)
        {
            Adopt(snapshot);
            return [];
        }

        HasBaseline = true;

        var signals = new List<Signal>();
        var factory = Factory(nowMs);
        var positions = snapshot.Positions.ToDictionary(p => p.Ticket);
        var orders = snapshot.Orders.ToDictionary(o => o.Ticket);
        var identifiers = snapshot.Positions.Select(p => p.Identifier).ToHashSet();

        // Order removals first: a fill's ORDER_DELETED precedes the OPEN that carries the order's ticket.
        foreach (var gone in _orders.Values.Where(o => !orders.ContainsKey(o.Ticket)).ToList())
        {
            var reason = identifiers.Contains(gone.Ticket) ? OrderRemovalReasons.Filled
                : gone.ExpirationMsc > 0 && snapshot.ServerTime > 0 && snapshot.ServerTime * 1000 >= gone.ExpirationMsc ? OrderRemovalReasons.Expired
                : OrderRemovalReasons.Unknown;
            signals.Add(RemoveOrder(factory, gone, reason, identifiers.Contains(gone.Ticket) ? gone.Ticket : 0));
        }

        // Then exposure that went away, then what changed, then what is new.
        foreach (var gone in _positions.Values.Where(p => !positions.ContainsKey(p.Ticket)).ToList())
        {
            signals.Add(RemovePosition(factory, gone, closePrice: 0, closeTimeMsc: 0));
        }

        foreach (var position in snapshot.Positions.Where(p => _positions.ContainsKey(p.Ticket)).OrderBy(p => p.Ticket))
        {
            UpsertPosition(factory, position, signals);
        }

        foreach (var position in snapshot.Positions.Where(p => !_positions.ContainsKey(p.Ticket)).OrderBy(p => p.Ticket))
        {
            UpsertPosition(factory, position, signals);
        }

        foreach (var order in snapshot.Orders.OrderBy(o => o.Ticket))
        {
            UpsertOrder(factory, order, signals);
        }

        return signals;
    }

    public IReadOnlyList<Signal> ApplyPosition(PositionState position, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(position);
        var signals = new List<Signal>();
        UpsertPosition(Factory(nowMs), position, signals);
        return signals;
    }

    public IReadOnlyList<Signal> ApplyPositionClosed(PositionClosed closed, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return _positions.TryGetValue(closed.Ticket, out var position)
            ? [RemovePosition(Factory(nowMs), position, closed.ClosePrice, closed.TimeMsc)]
            : [];
    }

    public IReadOnlyList<Signal> ApplyOrder(OrderState order, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(order);
        var signals = new List<Signal>();
        UpsertOrder(Factory(nowMs), order, signals);
        return signals;
    }

    public IReadOnlyList<Signal> ApplyOrderRemoved(OrderRemoved removed, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(removed);
        if (!_orders.TryGetValue(removed.Ticket, out var order))
        {
            return [];
        }

        var reason = removed.Reason;
        var positionId = removed.PositionId;
        if (reason == OrderRemovalReasons.Unknown && _positions.Values.Any(p => p.Identifier == order.Ticket))
        {
            reason = OrderRemovalReasons.Filled;
            positionId = order.Ticket;
        }

        return [RemoveOrder(Factory(nowMs), order, reason, positionId)];
    }

    private void Adopt(Snapshot snapshot)
    {
        HasBaseline = true;
        foreach (var position in snapshot.Positions)
        {
            _positions[position.Ticket] = position;
        }

        foreach (var order in snapshot.Orders)
        {
            _orders[order.Ticket] = order;
        }
    }

    /// <summary>Everything needed to continue after a restart without repeating or missing a signal.</summary>
    public BookState ToState() => new()
    {
        Login = Login,
        HasBaseline = HasBaseline,
        Positions = [.. _positions.Values],
        Orders = [.. _orders.Values],
        RecentlyRemovedOrders = [.. _recentlyRemovedOrder.Select(t => _recentlyRemovedOrders[t])],
        Revisions = _ledger.ExportRevisions(),
        RetiredTickets = _ledger.ExportRetired(),
    };

    public static TradeBook FromState(BookState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var book = new TradeBook(state.Login, RevisionLedger.Import(state.Revisions, state.RetiredTickets))
        {
            HasBaseline = state.HasBaseline,
        };
        foreach (var position in state.Positions)
        {
            book._positions[position.Ticket] = position;
        }

        foreach (var order in state.Orders)
        {
            book._orders[order.Ticket] = order;
        }

        foreach (var order in state.RecentlyRemovedOrders)
        {
            book.RememberRemoved(order);
        }

        return book;
    }

    private SignalFactory Factory(long nowMs) => new(Login, _ledger, nowMs);

    private void UpsertPosition(SignalFactory factory, PositionState position, List<Signal> signals)
    {
        if (!_positions.TryGetValue(position.Ticket, out var before))
        {
            _positions[position.Ticket] = position;
            signals.Add(factory.Open(position, OpeningOrder(position)));
            return;
        }

        _positions[position.Ticket] = position;
        if (before.Side != position.Side || before.Symbol != position.Symbol)
        {
            // A netting reversal keeps the ticket but is, for a follower, a close and a new trade.
            signals.Add(factory.Close(before, position.PriceOpen, position.TimeUpdateMsc));
            signals.Add(factory.Open(position, fromOrderTicket: null));
            return;
        }

        if (Math.Abs(before.Volume - position.Volume) > VolumeTolerance)
        {
            signals.Add(factory.VolumeChange(before, position));
        }

        if (before.Sl != position.Sl || before.Tp != position.Tp)
        {
            signals.Add(factory.Modify(before, position));
        }
    }

    private long? OpeningOrder(PositionState position)
    {
        if (position.Identifier == 0)
        {
            return null;
        }

        return _orders.ContainsKey(position.Identifier) || _recentlyRemovedOrders.ContainsKey(position.Identifier)
            ? position.Identifier
            : null;
    }

    private Signal RemovePosition(SignalFactory factory, PositionState position, double closePrice, long closeTimeMsc)
    {
        _positions.Remove(position.Ticket);
        var signal = factory.Close(position, closePrice, closeTimeMsc);
        _ledger.Retire(SignalFactory.PositionKey(position.Ticket));
        return signal;
    }

    private void UpsertOrder(SignalFactory factory, OrderState order, List<Signal> signals)
    {
        if (!_orders.TryGetValue(order.Ticket, out var before))
        {
            _orders[order.Ticket] = order;
            signals.Add(factory.OrderPlaced(order));
            return;
        }

        _orders[order.Ticket] = order;
        if (before.Symbol != order.Symbol)
        {
            signals.Add(factory.OrderDeleted(before, OrderRemovalReasons.Unknown, 0));
            signals.Add(factory.OrderPlaced(order));
        }
        else if (OrderTermsChanged(before, order))
        {
            signals.Add(factory.OrderModified(before, order));
        }
    }

    private static bool OrderTermsChanged(OrderState before, OrderState after) =>
        before.Type != after.Type
        || Math.Abs(before.Volume - after.Volume) > VolumeTolerance
        || before.PriceOpen != after.PriceOpen
        || before.PriceStopLimit != after.PriceStopLimit
        || before.Sl != after.Sl
        || before.Tp != after.Tp
        || before.TypeTime != after.TypeTime
        || before.ExpirationMsc != after.ExpirationMsc;

    private Signal RemoveOrder(SignalFactory factory, OrderState order, string reason, long positionId)
    {
        _orders.Remove(order.Ticket);
        RememberRemoved(order);
        var signal = factory.OrderDeleted(order, reason, positionId);
        _ledger.Retire(SignalFactory.OrderKey(order.Ticket));
        return signal;
    }

    private void RememberRemoved(OrderState order)
    {
        if (_recentlyRemovedOrders.TryAdd(order.Ticket, order))
        {
            _recentlyRemovedOrder.Enqueue(order.Ticket);
        }

        while (_recentlyRemovedOrder.Count > RecentlyRemovedCapacity)
        {
            _recentlyRemovedOrders.Remove(_recentlyRemovedOrder.Dequeue());
        }
    }
}
