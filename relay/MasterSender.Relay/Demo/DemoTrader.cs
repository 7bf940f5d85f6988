using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Relay.Demo;

/// <summary>
/// A believable trading session on a simulated terminal, for the demo: opens, SL/TP trailing, partial closes,
/// closes and pending orders across a few symbols, with prices that move. Every order is one a broker would accept:
/// stops on the loss side of the market and a few pips away, trailing only a stop that exists and only towards the
/// market, pending orders on the side of the price their type needs. It only drives the simulator; everything the
/// page then shows comes out of the real pipeline.
/// </summary>
public sealed class DemoTrader
{
    /// <summary>The demo's markets: a start price, one pip, the symbol's digits, USD per lot per 1.0 of price.</summary>
    public static readonly IReadOnlyList<DemoMarket> Markets =
    [
        new("EURUSD", 1.0852, 0.0001, 5, 100_000),
        new("GBPUSD", 1.2714, 0.0001, 5, 100_000),
        new("USDJPY", 151.32, 0.01, 3, 100_000 / 151.32),
        new("XAUUSD", 2341.5, 0.1, 2, 100),
    ];

    /// <summary>Closest a stop or a pending order may be to the market, in pips (a broker's stops level).</summary>
    public const int StopsLevelPips = 10;

    private readonly SimulatedTerminal _terminal;
    private readonly Action<IReadOnlyList<EaMessage>> _send;
    private readonly Random _random;
    private readonly Dictionary<string, double> _prices;

    public DemoTrader(SimulatedTerminal terminal, Action<IReadOnlyList<EaMessage>> send, Random random)
    {
        _terminal = terminal;
        _send = send;
        _random = random;
        _prices = Markets.ToDictionary(m => m.Symbol, m => m.Price);
    }

    public DemoTrader(TerminalSimulator terminal, Random random)
        : this(terminal.Terminal, terminal.Send, random)
    {
    }

    /// <summary>The market price the trader sees now.</summary>
    public double Price(string symbol) => _prices[symbol];

    /// <summary>One trader decision; call every second or two.</summary>
    public void Step()
    {
        MoveMarkets();
        var positions = _terminal.Positions;
        var orders = _terminal.Orders;
        var roll = _random.NextDouble();
        if (positions.Count < 3 || (roll < 0.25 && positions.Count < 8))
        {
            OpenOne();
        }
        else if (roll < 0.45)
        {
            Trail(positions[_random.Next(positions.Count)]);
        }
        else if (roll < 0.55)
        {
            ClosePart(positions[_random.Next(positions.Count)]);
        }
        else if (roll < 0.7)
        {
            var position = positions[_random.Next(positions.Count)];
            _send(_terminal.Close(position.Ticket, Price(position.Symbol)));
        }
        else if (roll < 0.8 && orders.Count < 3)
        {
            PlacePending();
        }
        else if (roll < 0.9 && orders.Count > 0)
        {
            CancelOrFill(orders[_random.Next(orders.Count)]);
        }
    }

    private void MoveMarkets()
    {
        foreach (var market in Markets)
        {
            // A few pips either way per step, kept near the start so the demo's prices stay believable.
            var drift = (market.Price - _prices[market.Symbol]) * 0.05;
            var price = Math.Round(_prices[market.Symbol] + drift + ((_random.NextDouble() - 0.5) * 6 * market.Pip), market.Digits);
            _prices[market.Symbol] = price;
            _terminal.SetPrice(market.Symbol, price, market.ProfitPerLot);
            HitStops(market.Symbol, price);
        }
    }

    /// <summary>What a broker does when the market moves: a position whose stop loss or take profit the price reached
    /// closes there, and a pending order the price reached fills.</summary>
    private void HitStops(string symbol, double price)
    {
        foreach (var position in _terminal.Positions.Where(p => p.Symbol == symbol))
        {
            var buy = position.Side == PositionSide.Buy;
            var stopped = position.Sl > 0 && (buy ? price <= position.Sl : price >= position.Sl);
            var target = position.Tp > 0 && (buy ? price >= position.Tp : price <= position.Tp);
            if (stopped || target)
            {
                _send(_terminal.Close(position.Ticket, price));
            }
        }

        foreach (var order in _terminal.Orders.Where(o => o.Symbol == symbol))
        {
            var reached = order.Type switch
            {
                PendingOrderType.BuyLimit or PendingOrderType.SellStop => price <= order.PriceOpen,
                _ => price >= order.PriceOpen,
            };
            if (reached)
            {
                _send(_terminal.FillOrder(order.Ticket, price));
            }
        }
    }

    private void OpenOne()
    {
        var market = Markets[_random.Next(Markets.Count)];
        var side = _random.NextDouble() < 0.5 ? PositionSide.Buy : PositionSide.Sell;
        var entry = Price(market.Symbol);
        var direction = side == PositionSide.Buy ? 1 : -1;
        var volume = Math.Round(0.02 + (_random.Next(0, 50) / 100.0), 2);
        var (_, messages) = _terminal.Open(market.Symbol, side, volume, entry,
            Math.Round(entry - (direction * 30 * market.Pip), market.Digits),
            Math.Round(entry + (direction * 60 * market.Pip), market.Digits));
        _send(messages);
    }

    /// <summary>Moves the stop 5 pips towards the market, if there is a stop and it stays a stops level away.</summary>
    private void Trail(PositionState position)
    {
        var market = Market(position.Symbol);
        if (position.Sl <= 0)
        {
            return;
        }

        var direction = position.Side == PositionSide.Buy ? 1 : -1;
        var trailed = Math.Round(position.Sl + (direction * 5 * market.Pip), market.Digits);
        var distance = (Price(position.Symbol) - trailed) * direction;
        if (distance >= StopsLevelPips * market.Pip)
        {
            _send(_terminal.Modify(position.Ticket, trailed, position.Tp));
        }
    }

    private void ClosePart(PositionState position)
    {
        var half = Math.Round(Math.Floor(position.Volume * 50) / 100, 2);
        if (half >= 0.01 && half < position.Volume)
        {
            _send(_terminal.ClosePartial(position.Ticket, half, Price(position.Symbol)));
        }
    }

    private void PlacePending()
    {
        var market = Markets[_random.Next(Markets.Count)];
        var type = (PendingOrderType)_random.Next(0, 4);
        // Limits wait for a better price, stops for a breakout: a buy limit and a sell stop sit below the market,
        // a sell limit and a buy stop above. Its stops are set from its own price, as at an open.
        var below = type is PendingOrderType.BuyLimit or PendingOrderType.SellStop;
        var price = Math.Round(Price(market.Symbol) + ((below ? -1 : 1) * 25 * market.Pip), market.Digits);
        var direction = type is PendingOrderType.BuyLimit or PendingOrderType.BuyStop ? 1 : -1;
        var (_, messages) = _terminal.PlaceOrder(market.Symbol, type, 0.1, price,
            Math.Round(price - (direction * 30 * market.Pip), market.Digits),
            Math.Round(price + (direction * 60 * market.Pip), market.Digits));
        _send(messages);
    }

    private void CancelOrFill(OrderState order)
    {
        if (_random.NextDouble() < 0.5)
        {
            // The market reaches the order's price and it fills there.
            _prices[order.Symbol] = order.PriceOpen;
            _terminal.SetPrice(order.Symbol, order.PriceOpen, Market(order.Symbol).ProfitPerLot);
            _send(_terminal.FillOrder(order.Ticket, order.PriceOpen));
        }
        else
        {
            _send(_terminal.CancelOrder(order.Ticket));
        }
    }

    private static DemoMarket Market(string symbol) => Markets.First(m => m.Symbol == symbol);
}

public sealed record DemoMarket(string Symbol, double Price, double Pip, int Digits, double ProfitPerLot);
