using MasterSender.Core.Protocol;

namespace MasterSender.Simulator;

/// <summary>
/// The trading state of a terminal and the operations a trader performs on it. Each operation changes the state
/// and returns the messages the EA sends for it (session and seq are stamped by the sender). Hedging keeps one
/// position per trade; netting keeps one per symbol and turns opposite trades into partial closes or reversals,
/// as MT5 does. Thread-safe.
/// </summary>
public sealed class SimulatedTerminal
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, PositionState> _positions = [];
    private readonly SortedDictionary<long, OrderState> _orders = [];

    // The terminal's history: what a lookup finds for a position or order that is gone.
    private readonly Dictionary<long, PositionClosed> _closedByIdentifier = [];
    private readonly Dictionary<long, OrderRemoved> _removedOrders = [];
    private readonly TimeProvider _time;
    private AccountInfo _account;
    private long _nextTicket;

    public SimulatedTerminal(AccountInfo account, TimeProvider? time = null, long firstTicket = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        _time = time ?? TimeProvider.System;
        _nextTicket = firstTicket;
    }

    public static SimulatedTerminal Demo(long login, MarginMode mode = MarginMode.Hedging, TimeProvider? time = null) => new(new AccountInfo
    {
        Login = login,
        Server = "MasterSender-Demo",
        Company = "Simulated Broker",
        Currency = "USD",
        Balance = 10_000,
        Equity = 10_000,
        MarginFree = 10_000,
        Leverage = 100,
        MarginMode = mode,
    }, time);

    public AccountInfo Account
    {
        get
        {
            lock (_gate)
            {
                return _account;
            }
        }
    }

    public IReadOnlyList<PositionState> Positions
    {
        get
        {
            lock (_gate)
            {
                return [.. _positions.Values];
            }
        }
    }

    public IReadOnlyList<OrderState> Orders
    {
        get
        {
            lock (_gate)
            {
                return [.. _orders.Values];
            }
        }
    }

    private long NowMsc => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The trade server's clock (TimeTradeServer), as hello and snapshots carry it.</summary>
    public long ServerTimeMsc => NowMsc;

    /// <summary>While true, a close's deal is not in history yet: the close sends nothing (the EA waits for its
    /// evidence) and a lookup finds nothing. Set it back to false and a lookup finds the deal.</summary>
    public bool DealsLag { get; set; }

    /// <summary>TERMINAL_CONNECTED: false while the terminal has lost its trade server.</summary>
    public bool ServerConnected { get; set; } = true;

    /// <summary>What the EA answers to a <c>lookup</c>: the current state of what is still there, the evidence from
    /// history of what is gone, nothing for what history does not show yet.</summary>
    public IReadOnlyList<EaMessage> Lookup(Lookup lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        lock (_gate)
        {
            var answers = new List<EaMessage>();
            foreach (var wanted in lookup.Positions)
            {
                if (_positions.Values.FirstOrDefault(p => p.Ticket == wanted.Ticket || p.Identifier == wanted.Identifier) is { } open)
                {
                    answers.Add(Update(open));
                }
                else if (!DealsLag && _closedByIdentifier.TryGetValue(wanted.Identifier, out var closed))
                {
                    answers.Add(closed);
                }
            }

            foreach (var ticket in lookup.Orders)
            {
                if (_orders.TryGetValue(ticket, out var pending))
                {
                    answers.Add(new OrderUpdate { Order = pending });
                }
                else if (_removedOrders.TryGetValue(ticket, out var removed))
                {
                    answers.Add(removed);
                }
            }

            return answers;
        }
    }

    public Snapshot Snapshot(string reason)
    {
        lock (_gate)
        {
            return new Snapshot
            {
                Reason = reason,
                ServerTime = NowMsc / 1000,
                ServerTimeMsc = NowMsc,
                Connected = ServerConnected,
                Account = _account,
                Positions = [.. _positions.Values],
                Orders = [.. _orders.Values],
            };
        }
    }

    /// <summary>A market order. On netting an existing position on the symbol is increased, reduced or reversed.</summary>
    public (long Ticket, IReadOnlyList<EaMessage> Messages) Open(string symbol, PositionSide side, double volume, double price, double sl = 0, double tp = 0, long magic = 0, string comment = "")
    {
        lock (_gate)
        {
            if (_account.MarginMode != MarginMode.Hedging && _positions.Values.FirstOrDefault(p => p.Symbol == symbol) is { } existing)
            {
                return (existing.Ticket, Net(existing, side, volume, price));
            }

            var ticket = _nextTicket++;
            var position = NewPosition(ticket, ticket, symbol, side, volume, price, sl, tp, magic, comment);
            _positions[ticket] = position;
            return (ticket, [Update(position)]);
        }
    }

    public IReadOnlyList<EaMessage> Modify(long ticket, double sl, double tp)
    {
        lock (_gate)
        {
            var position = _positions[ticket] with { Sl = sl, Tp = tp, TimeUpdateMsc = NowMsc };
            _positions[ticket] = position;
            return [Update(position)];
        }
    }

    public IReadOnlyList<EaMessage> ClosePartial(long ticket, double volume, double price)
    {
        lock (_gate)
        {
            var position = _positions[ticket];
            var remaining = Math.Round(position.Volume - volume, 8);
            if (remaining <= 0)
            {
                return CloseLocked(ticket, price);
            }

            position = position with { Volume = remaining, PriceCurrent = price, TimeUpdateMsc = NowMsc };
            _positions[ticket] = position;
            return [Update(position)];
        }
    }

    public IReadOnlyList<EaMessage> Close(long ticket, double price)
    {
        lock (_gate)
        {
            return CloseLocked(ticket, price);
        }
    }

    /// <summary>Close-by: two opposite positions of a hedging account close against each other.</summary>
    public IReadOnlyList<EaMessage> CloseBy(long ticket, long oppositeTicket)
    {
        lock (_gate)
        {
            var first = _positions[ticket];
            var second = _positions[oppositeTicket];
            var messages = new List<EaMessage>();
            var volume = Math.Min(first.Volume, second.Volume);
            foreach (var position in new[] { first, second })
            {
                messages.AddRange(position.Volume - volume <= 1e-9
                    ? CloseLocked(position.Ticket, second.PriceCurrent)
                    : [Update(_positions[position.Ticket] = position with { Volume = Math.Round(position.Volume - volume, 8), TimeUpdateMsc = NowMsc })]);
            }

            return messages;
        }
    }

    public (long Ticket, IReadOnlyList<EaMessage> Messages) PlaceOrder(string symbol, PendingOrderType type, double volume, double price, double sl = 0, double tp = 0, double stopLimit = 0, long expirationMsc = 0)
    {
        lock (_gate)
        {
            var ticket = _nextTicket++;
            var order = new OrderState
            {
                Ticket = ticket,
                Symbol = symbol,
                Type = type,
                Volume = volume,
                VolumeInitial = volume,
                PriceOpen = price,
                PriceStopLimit = stopLimit,
                Sl = sl,
                Tp = tp,
                TypeTime = expirationMsc > 0 ? OrderTimeType.Specified : OrderTimeType.Gtc,
                ExpirationMsc = expirationMsc,
                TimeSetupMsc = NowMsc,
            };
            _orders[ticket] = order;
            return (ticket, [new OrderUpdate { Order = order }]);
        }
    }

    public IReadOnlyList<EaMessage> ModifyOrder(long ticket, double price, double sl, double tp)
    {
        lock (_gate)
        {
            var order = _orders[ticket] with { PriceOpen = price, Sl = sl, Tp = tp };
            _orders[ticket] = order;
            return [new OrderUpdate { Order = order }];
        }
    }

    public IReadOnlyList<EaMessage> CancelOrder(long ticket) => RemoveOrder(ticket, OrderRemovalReasons.Cancelled);

    public IReadOnlyList<EaMessage> ExpireOrder(long ticket) => RemoveOrder(ticket, OrderRemovalReasons.Expired);

    /// <summary>The pending order fills: it leaves the order list and a position with its ticket as identifier opens
    /// (on netting, the symbol's position changes instead). The EA reports the removal, then the position.</summary>
    public IReadOnlyList<EaMessage> FillOrder(long ticket, double price)
    {
        lock (_gate)
        {
            var order = _orders[ticket];
            _orders.Remove(ticket);
            var side = order.Type is PendingOrderType.BuyLimit or PendingOrderType.BuyStop or PendingOrderType.BuyStopLimit ? PositionSide.Buy : PositionSide.Sell;
            var messages = new List<EaMessage>();
            if (_account.MarginMode != MarginMode.Hedging && _positions.Values.FirstOrDefault(p => p.Symbol == order.Symbol) is { } existing)
            {
                _removedOrders[ticket] = new OrderRemoved { Ticket = ticket, Reason = OrderRemovalReasons.Filled, PositionId = existing.Identifier };
                messages.Add(_removedOrders[ticket]);
                messages.AddRange(Net(existing, side, order.Volume, price));
                return messages;
            }

            var position = NewPosition(ticket, ticket, order.Symbol, side, order.Volume, price, order.Sl, order.Tp, order.Magic, order.Comment);
            _positions[ticket] = position;
            _removedOrders[ticket] = new OrderRemoved { Ticket = ticket, Reason = OrderRemovalReasons.Filled, PositionId = ticket };
            messages.Add(_removedOrders[ticket]);
            messages.Add(Update(position));
            return messages;
        }
    }

    /// <summary>Moves the market: current prices and profit change, which is never a signal by itself.</summary>
    public void Tick(double priceDelta)
    {
        lock (_gate)
        {
            foreach (var position in _positions.Values.ToList())
            {
                var current = position.PriceCurrent + priceDelta;
                var profit = (position.Side == PositionSide.Buy ? current - position.PriceOpen : position.PriceOpen - current) * position.Volume * 100_000;
                _positions[position.Ticket] = position with { PriceCurrent = Math.Round(current, 5), Profit = Math.Round(profit, 2) };
            }

            var floating = _positions.Values.Sum(p => p.Profit);
            _account = _account with { Equity = Math.Round(_account.Balance + floating, 2), MarginFree = Math.Round(_account.Balance + floating - _account.Margin, 2) };
        }
    }

    /// <summary>Moves one symbol's market to <paramref name="price"/>: its positions' current price and profit follow
    /// (<paramref name="profitPerLot"/>: account currency per lot per 1.0 of price, 100 000 for EURUSD, 100 for gold).</summary>
    public void SetPrice(string symbol, double price, double profitPerLot = 100_000)
    {
        lock (_gate)
        {
            foreach (var position in _positions.Values.Where(p => p.Symbol == symbol).ToList())
            {
                var profit = (position.Side == PositionSide.Buy ? price - position.PriceOpen : position.PriceOpen - price) * position.Volume * profitPerLot;
                _positions[position.Ticket] = position with { PriceCurrent = price, Profit = Math.Round(profit, 2) };
            }

            var floating = _positions.Values.Sum(p => p.Profit);
            _account = _account with { Equity = Math.Round(_account.Balance + floating, 2), MarginFree = Math.Round(_account.Balance + floating - _account.Margin, 2) };
        }
    }

    private List<EaMessage> Net(PositionState existing, PositionSide side, double volume, double price)
    {
        if (existing.Side == side)
        {
            var total = Math.Round(existing.Volume + volume, 8);
            var average = Math.Round(((existing.PriceOpen * existing.Volume) + (price * volume)) / total, 5);
            var increased = existing with { Volume = total, PriceOpen = average, TimeUpdateMsc = NowMsc };
            _positions[existing.Ticket] = increased;
            return [Update(increased)];
        }

        var difference = Math.Round(existing.Volume - volume, 8);
        if (difference > 0)
        {
            var reduced = existing with { Volume = difference, PriceCurrent = price, TimeUpdateMsc = NowMsc };
            _positions[existing.Ticket] = reduced;
            return [Update(reduced)];
        }

        if (difference == 0)
        {
            return CloseLocked(existing.Ticket, price);
        }

        // Reversal: same ticket and identifier, the other side, the excess volume, opened at this price.
        var reversed = existing with { Side = side, Volume = -difference, PriceOpen = price, PriceCurrent = price, Sl = 0, Tp = 0, TimeUpdateMsc = NowMsc };
        _positions[existing.Ticket] = reversed;
        return [Update(reversed)];
    }

    /// <summary>Closes with its deal as evidence, as the EA reports it once the deal is in history.</summary>
    private List<EaMessage> CloseLocked(long ticket, double price)
    {
        var position = _positions[ticket];
        _positions.Remove(ticket);
        var closed = new PositionClosed
        {
            Ticket = ticket,
            Identifier = position.Identifier,
            ClosePrice = price,
            Deal = _nextTicket++,
            TimeMsc = NowMsc,
            Volume = position.Volume,
        };
        _closedByIdentifier[position.Identifier] = closed;
        return DealsLag ? [] : [closed];
    }

    private List<EaMessage> RemoveOrder(long ticket, string reason)
    {
        lock (_gate)
        {
            _orders.Remove(ticket);
            var removed = new OrderRemoved { Ticket = ticket, Reason = reason };
            _removedOrders[ticket] = removed;
            return [removed];
        }
    }

    private PositionState NewPosition(long ticket, long identifier, string symbol, PositionSide side, double volume, double price, double sl, double tp, long magic, string comment) => new()
    {
        Ticket = ticket,
        Identifier = identifier,
        Symbol = symbol,
        Side = side,
        Volume = volume,
        PriceOpen = price,
        PriceCurrent = price,
        Sl = sl,
        Tp = tp,
        TimeMsc = NowMsc,
        TimeUpdateMsc = NowMsc,
        Magic = magic,
        Comment = comment,
    };

    private static PositionUpdate Update(PositionState position) => new() { Position = position };
}
