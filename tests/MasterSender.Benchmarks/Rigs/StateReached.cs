namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// When did the API first hold a change's state or a newer one of the same ticket? The relay sends only the newest
/// of the SL/TP changes queued on a ticket (the others are superseded), so a change may never arrive itself while
/// the follower still gets its effect, at the moment the newer one lands. That moment is what the provider's
/// followers see, and what the latency of a superseded change means.
/// </summary>
internal sealed class StateReached
{
    private readonly Dictionary<long, List<(int Tag, long Timestamp)>> _byTicket;

    public StateReached(IEnumerable<Arrival> arrivals)
    {
        // Per ticket the API receives in order, so the tags of one ticket rise with time.
        _byTicket = arrivals
            .GroupBy(a => a.Ticket)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.Timestamp).Select(a => (SlTag.From(a.Sl), a.Timestamp)).ToList());
    }

    /// <summary>The stamp of the first arrival on <paramref name="ticket"/> tagged <paramref name="tag"/> or later; null if none came.</summary>
    public long? At(long ticket, int tag)
    {
        if (!_byTicket.TryGetValue(ticket, out var arrivals))
        {
            return null;
        }

        var low = 0;
        var high = arrivals.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (arrivals[middle].Tag >= tag)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low < arrivals.Count ? arrivals[low].Timestamp : null;
    }

    /// <summary>The stamp at which the last of <paramref name="tickets"/> received <paramref name="tag"/> (or later):
    /// the moment the API held all of them; null while one has not.</summary>
    public static long? AllAt(IEnumerable<Arrival> arrivals, IEnumerable<long> tickets, int tag)
    {
        var reached = new StateReached(arrivals);
        long latest = 0;
        foreach (var ticket in tickets)
        {
            if (reached.At(ticket, tag) is not { } at)
            {
                return null;
            }

            latest = Math.Max(latest, at);
        }

        return latest;
    }
}
