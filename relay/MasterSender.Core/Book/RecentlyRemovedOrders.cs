using MasterSender.Core.Protocol;

namespace MasterSender.Core.Book;

/// <summary>
/// Pending orders that left the book lately, so that a position their fill opened, reported after the order's removal,
/// still carries the order's ticket. The oldest is forgotten past the capacity. Each order takes the next number of a
/// counter that only grows (stored with the book), so the order of removals survives a restart, and the changes since
/// the last commit are remembered so that only those are stored (<see cref="TakeChangedKeys"/>).
/// </summary>
internal sealed class RecentlyRemovedOrders(int capacity)
{
    private readonly Dictionary<long, (OrderState Order, long Number)> _orders = [];
    private readonly Queue<long> _oldestFirst = new();
    private readonly ChangedKeys<long> _changed = new();

    /// <summary>The number of the latest order remembered.</summary>
    public long Counter { get; private set; }

    /// <summary>Oldest first.</summary>
    public IEnumerable<OrderState> Orders => _oldestFirst.Select(ticket => _orders[ticket].Order);

    public IEnumerable<long> Tickets => _orders.Keys;

    public bool Contains(long ticket) => _orders.ContainsKey(ticket);

    public void Remember(OrderState order)
    {
        if (_orders.TryAdd(order.Ticket, (order, Counter + 1)))
        {
            Counter++;
            _oldestFirst.Enqueue(order.Ticket);
            _changed.Add(order.Ticket);
        }

        while (_oldestFirst.Count > capacity)
        {
            var oldest = _oldestFirst.Dequeue();
            _orders.Remove(oldest);
            _changed.Add(oldest);
        }
    }

    /// <summary>The remembered order and its number; null once forgotten.</summary>
    public (OrderState Order, long Number)? Entry(long ticket) => _orders.TryGetValue(ticket, out var entry) ? entry : null;

    /// <summary>The tickets remembered or forgotten since the last call.</summary>
    public List<long> TakeChangedKeys() => _changed.Take();

    /// <param name="oldestFirst">As stored.</param>
    /// <param name="counter">The stored counter; 0 from a book written before it was stored.</param>
    public static RecentlyRemovedOrders Import(IEnumerable<OrderState> oldestFirst, long counter, int capacity)
    {
        var orders = new RecentlyRemovedOrders(capacity);
        foreach (var order in oldestFirst)
        {
            orders.Remember(order);
        }

        // Numbered again from 1 here, in the stored order; new ones must still come after every stored one.
        orders.Counter = Math.Max(orders.Counter, counter);
        orders._changed.Take();
        return orders;
    }
}
