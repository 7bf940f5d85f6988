using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Relay.Demo;

/// <summary>
/// A believable trading session on a simulated terminal, for the demo: opens, SL/TP trailing, partial closes,
/// closes and pending orders across a few symbols, with prices that move. It only drives the simulator; everything
/// the page then shows comes out of the real pipeline.
/// </summary>
public sealed class DemoTrader(TerminalSimulator terminal, Random random)
{
    private static readonly (string Symbol, double Price, double Pip, int Digits)[] Markets =
    [
        ("EURUSD", 1.0852, 0.0001, 5),
        ("GBPUSD", 1.2714, 0.0001, 5),
        ("USDJPY", 151.32, 0.01, 3),
        ("XAUUSD", 2341.5, 0.1, 2),
    ];

    /// <summary>One trader decision; call every second or two.</summary>
    public void Step()
    {
        terminal.Terminal.Tick((random.NextDouble() - 0.5) * 0.0004);
        var positions = terminal.Terminal.Positions;
        var orders = terminal.Terminal.Orders;
        var roll = random.NextDouble();
        if (positions.Count < 3 || (roll < 0.25 && positions.Count < 8))
        {
            OpenOne();
        }
        else if (roll < 0.45)
        {
            Trail(positions[random.Next(positions.Count)]);
        }
        else if (roll < 0.55)
        {
            var position = positions[random.Next(positions.Count)];
            terminal.ClosePartial(position.Ticket, Math.Round(position.Volume / 2, 2), position.PriceCurrent);
        }
        else if (roll < 0.7)
        {
            var position = positions[random.Next(positions.Count)];
            terminal.Close(position.Ticket, position.PriceCurrent);
        }
        else if (roll < 0.8 && orders.Count < 3)
        {
            PlacePending();
        }
        else if (roll < 0.9 && orders.Count > 0)
        {
            var order = orders[random.Next(orders.Count)];
            if (random.NextDouble() < 0.5)
            {
                terminal.FillOrder(order.Ticket, order.PriceOpen);
            }
            else
            {
                terminal.CancelOrder(order.Ticket);
            }
        }
    }

    private void OpenOne()
    {
        var (symbol, price, pip, digits) = Markets[random.Next(Markets.Length)];
        var side = random.NextDouble() < 0.5 ? PositionSide.Buy : PositionSide.Sell;
        var entry = Math.Round(price + ((random.NextDouble() - 0.5) * 20 * pip), digits);
        var direction = side == PositionSide.Buy ? 1 : -1;
        var volume = Math.Round(0.01 + (random.Next(1, 50) / 100.0), 2);
        terminal.Open(symbol, side, volume, entry, Math.Round(entry - (direction * 30 * pip), digits), Math.Round(entry + (direction * 60 * pip), digits));
    }

    private void Trail(PositionState position)
    {
        var pip = Markets.First(m => m.Symbol == position.Symbol).Pip;
        var digits = Markets.First(m => m.Symbol == position.Symbol).Digits;
        var direction = position.Side == PositionSide.Buy ? 1 : -1;
        var sl = Math.Round(position.Sl + (direction * 5 * pip), digits);

        // A position without a stop (a filled pending order may have none) is not trailed: a sell's stop would go negative.
        if (position.Sl <= 0 || sl <= 0)
        {
            return;
        }

        terminal.Modify(position.Ticket, sl, position.Tp);
    }

    private void PlacePending()
    {
        var (symbol, price, pip, digits) = Markets[random.Next(Markets.Length)];
        var type = (PendingOrderType)random.Next(0, 4);
        var offset = type is PendingOrderType.BuyLimit or PendingOrderType.SellStop ? -25 * pip : 25 * pip;
        terminal.PlaceOrder(symbol, type, 0.1, Math.Round(price + offset, digits));
    }
}
