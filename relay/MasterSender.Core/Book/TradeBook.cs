using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Book;

/// <summary>
/// The last known positions and pending orders of one account, and the rules that turn a difference between
/// that and what the terminal reports into signals (docs/protocol.md, "How the relay derives signals").
/// State says what is open and how: an OPEN, MODIFY or volume change comes from state. A disappearance is not
/// evidence: a CLOSE needs the closing deal (<see cref="PositionClosed.IsEvidence"/>), an ORDER_DELETED the order's
/// history state or the position its fill opened. Whatever goes missing without evidence is *unconfirmed*: kept,
/// listed in <see cref="Unconfirmed"/> (the ingress asks the EA to look it up), and resolved by evidence or by its return.
/// Positions are keyed by identifier (<see cref="PositionState.Key"/>), so a ticket change is no new trade.
/// Not thread-safe: one pipeline owns a book.
/// </summary>
public sealed partial class TradeBook
{
    /// <summary>Volumes are lot multiples well above this; below it two volumes are the same.</summary>
    private const double VolumeTolerance = 1e-9;
    private const int RecentlyRemovedCapacity = 1_000;

    // Every piece the store keeps, each remembering what changed since the last commit (TakeChanges).
    private readonly TrackedMap<long, PositionState> _positions = new(new SortedDictionary<long, PositionState>());
    private readonly TrackedMap<long, OrderState> _orders = new(new SortedDictionary<long, OrderState>());
    private readonly TrackedMap<long, long> _positionsMissingSince = new(new Dictionary<long, long>());
    private readonly TrackedMap<long, long> _ordersMissingSince = new(new Dictionary<long, long>());
    private readonly RevisionLedger _ledger;
    private readonly RecentlyRemovedOrders _recentlyRemovedOrders;
    private readonly BookRules _rules;
    private long? _serverClockOffsetMs;

    // Until the first commit of a book that was not read from its stored pieces (a new book, or one an older relay
    // stored as a single document), that commit stores every piece, replacing whatever the store held.
    private bool _storeEverything = true;

    // The revision counters stored as pieces of their own (those of tickets not in the book): when one comes back, its
    // piece is deleted, as its counter then goes in the item's piece.
    private readonly HashSet<string> _standaloneRevisions = new(StringComparer.Ordinal);

    public TradeBook(long login, BookRules? rules = null)
        : this(login, new RevisionLedger(), new RecentlyRemovedOrders(RecentlyRemovedCapacity), rules)
    {
    }

    private TradeBook(long login, RevisionLedger ledger, RecentlyRemovedOrders recentlyRemovedOrders, BookRules? rules)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(login);
        Login = login;
        _ledger = ledger;
        _recentlyRemovedOrders = recentlyRemovedOrders;
        _rules = rules ?? new BookRules();
    }

    public long Login { get; }

    /// <summary>
    /// False until the first snapshot. That snapshot is adopted without signals: positions that were open before
    /// the relay ever ran are not news, and a follower must not open a trade the master opened days ago.
    /// </summary>
    public bool HasBaseline { get; private set; }

    /// <summary>Open positions by key (identifier, else ticket), unconfirmed ones included.</summary>
    public IReadOnlyDictionary<long, PositionState> Positions => _positions;

    /// <summary>Pending orders by ticket, unconfirmed ones included.</summary>
    public IReadOnlyDictionary<long, OrderState> Orders => _orders;

    /// <summary>Counts every time something became unconfirmed (not persisted): a change tells the ingress to ask at once.</summary>
    public long UnconfirmedMarks { get; private set; }

    public bool HasUnconfirmed => _positionsMissingSince.Count > 0 || _ordersMissingSince.Count > 0;

    /// <summary>What went missing without evidence, oldest first.</summary>
    public IReadOnlyList<UnconfirmedItem> Unconfirmed =>
    [
        .. _positionsMissingSince.Select(m => UnconfirmedPosition(_positions[m.Key], m.Value))
            .Concat(_ordersMissingSince.Select(m => UnconfirmedOrder(_orders[m.Key], m.Value)))
            .OrderBy(u => u.SinceMs).ThenBy(u => u.Identifier),
    ];

    /// <summary>Counts changes to what is unconfirmed: they yield no signal but must be stored all the same.</summary>
    public long UnconfirmedChanges { get; private set; }

    private static UnconfirmedItem UnconfirmedPosition(PositionState p, long since) =>
        new(UnconfirmedKinds.Position, p.Ticket, p.Key(), p.Symbol, since);

    private static UnconfirmedItem UnconfirmedOrder(OrderState o, long since) =>
        new(UnconfirmedKinds.Order, o.Ticket, o.Ticket, o.Symbol, since);

    /// <summary>Applies any state-carrying message; messages without trade state (heartbeat…) yield nothing.</summary>
    public IReadOnlyList<Signal> Apply(EaMessage message, long nowMs) => message switch
    {
        Snapshot snapshot => ApplySnapshot(snapshot, nowMs),
        PositionUpdate update => ApplyPosition(update.Position, nowMs),
        PositionClosed closed => ApplyPositionClosed(closed, nowMs),
        OrderUpdate update => ApplyOrder(update.Order, nowMs),
        OrderRemoved removed => ApplyOrderRemoved(removed, nowMs),
        Hello hello => NoteServerClock(hello.ServerTimeMsc, nowMs),
        _ => [],
    };

    /// <summary>
    /// Takes in a snapshot: new and changed items yield their signals; an item the book has and the snapshot lacks
    /// becomes unconfirmed (no signal), unless the terminal was not connected to its server, when nothing is taken
    /// for missing. An order missing while a position with its ticket as identifier exists was filled (evidence).
    /// </summary>
    public IReadOnlyList<Signal> ApplySnapshot(Snapshot snapshot, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        NoteServerClock(snapshot.ServerTimeMsc > 0 ? snapshot.ServerTimeMsc : snapshot.ServerTime * 1000, nowMs);
        if (!HasBaseline && _positions.Count == 0 && _orders.Count == 0)
        {
            Adopt(snapshot);
            return [];
        }

        HasBaseline = true;

        var signals = new List<Signal>();
        var factory = Factory(nowMs);
        var positions = new Dictionary<long, PositionState>();
        foreach (var position in snapshot.Positions)
        {
            positions.TryAdd(position.Key(), position);
        }

        var orderTickets = snapshot.Orders.Select(o => o.Ticket).Concat(snapshot.DroppedOrderTickets).ToHashSet();
        var presentPositions = positions.Keys.Concat(snapshot.DroppedPositionKeys).ToHashSet();
        var fillIdentifiers = positions.Values.Concat(_positions.Values).Select(p => p.Identifier).ToHashSet();

        // Order removals first: a fill's ORDER_DELETED precedes the OPEN that carries the order's ticket.
        foreach (var gone in _orders.Values.Where(o => !orderTickets.Contains(o.Ticket)).ToList())
        {
            if (fillIdentifiers.Contains(gone.Ticket))
            {
                signals.Add(RemoveOrder(factory, gone, OrderRemovalReasons.Filled, gone.Ticket));
            }
            else if (snapshot.Connected)
            {
                MarkOrderMissing(gone.Ticket, nowMs);
            }
        }

        if (snapshot.Connected)
        {
            foreach (var key in _positions.Keys.Where(k => !presentPositions.Contains(k)).ToList())
            {
                MarkPositionMissing(key, nowMs);
            }
        }

        // Then what changed, then what is new.
        foreach (var position in positions.Values.Where(p => _positions.ContainsKey(p.Key())).OrderBy(p => p.Key()))
        {
            UpsertPosition(factory, position, signals, nowMs);
        }

        foreach (var position in positions.Values.Where(p => !_positions.ContainsKey(p.Key())).OrderBy(p => p.Key()))
        {
            UpsertPosition(factory, position, signals, nowMs);
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
        UpsertPosition(Factory(nowMs), position, signals, nowMs);
        return signals;
    }

    /// <summary>With the closing deal: a CLOSE at the deal's price and time. Without (deal 0): unconfirmed, no signal.</summary>
    public IReadOnlyList<Signal> ApplyPositionClosed(PositionClosed closed, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var key = closed.Identifier > 0 ? closed.Identifier : closed.Ticket;
        if (!_positions.TryGetValue(key, out var position))
        {
            // An EA that does not send the identifier names the position by its (possibly changed) ticket.
            position = _positions.Values.FirstOrDefault(p => p.Ticket == closed.Ticket);
            if (position is null)
            {
                return [];
            }

            key = position.Key();
        }

        if (!closed.IsEvidence)
        {
            MarkPositionMissing(key, nowMs);
            return [];
        }

        return [RemovePosition(Factory(nowMs), position, closed.ClosePrice, closed.TimeMsc)];
    }

    public IReadOnlyList<Signal> ApplyOrder(OrderState order, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(order);
        var signals = new List<Signal>();
        UpsertOrder(Factory(nowMs), order, signals);
        return signals;
    }

    /// <summary>An ORDER_DELETED with the history reason; <c>unknown</c> is evidence only of a fill whose position
    /// the book holds, otherwise the order becomes unconfirmed.</summary>
    public IReadOnlyList<Signal> ApplyOrderRemoved(OrderRemoved removed, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(removed);
        if (!_orders.TryGetValue(removed.Ticket, out var order))
        {
            return [];
        }

        var reason = removed.Reason;
        var positionId = removed.PositionId;
        if (!OrderRemovalReasons.IsEvidence(reason))
        {
            if (!_positions.Values.Any(p => p.Identifier == order.Ticket))
            {
                MarkOrderMissing(order.Ticket, nowMs);
                return [];
            }

            reason = OrderRemovalReasons.Filled;
            positionId = order.Ticket;
        }

        return [RemoveOrder(Factory(nowMs), order, reason, positionId)];
    }

    private IReadOnlyList<Signal> NoteServerClock(long serverTimeMsc, long nowMs)
    {
        if (serverTimeMsc > 0)
        {
            _serverClockOffsetMs = serverTimeMsc - nowMs;
        }

        return [];
    }

    private void Adopt(Snapshot snapshot)
    {
        HasBaseline = true;
        foreach (var position in snapshot.Positions)
        {
            _positions[position.Key()] = position;
        }

        foreach (var order in snapshot.Orders)
        {
            _orders[order.Ticket] = order;
        }
    }

    private SignalFactory Factory(long nowMs) => new(Login, _ledger, nowMs);

    private void MarkPositionMissing(long key, long nowMs)
    {
        if (_positionsMissingSince.TryAdd(key, nowMs))
        {
            UnconfirmedMarks++;
            UnconfirmedChanges++;
        }
    }

    private void MarkOrderMissing(long ticket, long nowMs)
    {
        if (_ordersMissingSince.TryAdd(ticket, nowMs))
        {
            UnconfirmedMarks++;
            UnconfirmedChanges++;
        }
    }

    /// <summary>
    /// True when the position was opened longer ago than <see cref="BookRules.MaxOpenAge"/> by the trade server's
    /// clock now (relay clock + the offset the last snapshot or hello showed). Unknown open time or clock: false.
    /// </summary>
    private bool OpenedTooLongAgo(long openTimeMsc, long nowMs) =>
        _rules.MaxOpenAge is { } maxAge
        && openTimeMsc > 0
        && _serverClockOffsetMs is { } offset
        && nowMs + offset - openTimeMsc > maxAge.TotalMilliseconds;

    private void UpsertPosition(SignalFactory factory, PositionState position, List<Signal> signals, long nowMs)
    {
        var key = position.Key();

        // Identifiers are never reused: a position closed with evidence that shows up again is a replayed or stale report.
        if (!_positions.ContainsKey(key) && _ledger.IsRetired(SignalFactory.PositionKey(key)))
        {
            return;
        }

        if (_positionsMissingSince.Remove(key))
        {
            UnconfirmedChanges++;
        }

        if (!_positions.TryGetValue(key, out var before))
        {
            // The fill of an order that went missing without evidence: now it has some.
            if (position.Identifier > 0 && _ordersMissingSince.ContainsKey(position.Identifier) && _orders.TryGetValue(position.Identifier, out var filled))
            {
                signals.Add(RemoveOrder(factory, filled, OrderRemovalReasons.Filled, position.Identifier));
            }

            _positions[key] = position;
            if (!OpenedTooLongAgo(position.TimeMsc, nowMs))
            {
                signals.Add(factory.Open(position, OpeningOrder(position)));
            }

            return;
        }

        // A changed ticket under the same identifier (swap re-open, netting service operation) is the same position.
        _positions[key] = position;
        if (before.Side != position.Side || before.Symbol != position.Symbol)
        {
            // A netting reversal keeps the identifier but is, for a follower, a close and a new trade.
            signals.Add(factory.Close(before, position.PriceOpen, position.TimeUpdateMsc));
            if (!OpenedTooLongAgo(position.TimeUpdateMsc > 0 ? position.TimeUpdateMsc : position.TimeMsc, nowMs))
            {
                signals.Add(factory.Open(position, fromOrderTicket: null));
            }

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

        return _orders.ContainsKey(position.Identifier) || _recentlyRemovedOrders.Contains(position.Identifier)
            ? position.Identifier
            : null;
    }

    private Signal RemovePosition(SignalFactory factory, PositionState position, double closePrice, long closeTimeMsc)
    {
        var key = position.Key();
        _positions.Remove(key);
        if (_positionsMissingSince.Remove(key))
        {
            UnconfirmedChanges++;
        }

        var signal = factory.Close(position, closePrice, closeTimeMsc);
        _ledger.Retire(SignalFactory.PositionKey(key));
        return signal;
    }

    private void UpsertOrder(SignalFactory factory, OrderState order, List<Signal> signals)
    {
        // Order tickets are never reused either: a removed order reported again is a replayed or stale report.
        if (!_orders.ContainsKey(order.Ticket) && _ledger.IsRetired(SignalFactory.OrderKey(order.Ticket)))
        {
            return;
        }

        if (_ordersMissingSince.Remove(order.Ticket))
        {
            UnconfirmedChanges++;
        }

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
        if (_ordersMissingSince.Remove(order.Ticket))
        {
            UnconfirmedChanges++;
        }

        _recentlyRemovedOrders.Remember(order);
        var signal = factory.OrderDeleted(order, reason, positionId);
        _ledger.Retire(SignalFactory.OrderKey(order.Ticket));
        return signal;
    }
}
