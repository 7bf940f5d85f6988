namespace MasterSender.Core.Book;

/// <summary>
/// Per-ticket change counters behind the idempotency keys (<c>{login}-P{ticket}-{revision}</c>). A ticket's counter
/// outlives the ticket for a while, so that a ticket that comes back (a glitch, or a netting position re-opened by a
/// service operation) continues its count instead of reusing the key of its first OPEN, which the API would drop as a
/// duplicate. Retired counters are forgotten oldest-first past <see cref="RetiredCapacity"/>: MT5 tickets are unique
/// per account, so an old one coming back is not a case to keep memory for forever.
/// </summary>
internal sealed class RevisionLedger
{
    public const int RetiredCapacity = 10_000;

    private readonly Dictionary<string, int> _revisions = new(StringComparer.Ordinal);
    private readonly Queue<string> _retiredOrder = new();
    private readonly HashSet<string> _retired = new(StringComparer.Ordinal);

    public int Next(string ticketKey)
    {
        _retired.Remove(ticketKey);
        var next = _revisions.GetValueOrDefault(ticketKey) + 1;
        _revisions[ticketKey] = next;
        return next;
    }

    /// <summary>The key's item left the book (closed, removed) and has not come back since.</summary>
    public bool IsRetired(string ticketKey) => _retired.Contains(ticketKey);

    public void Retire(string ticketKey)
    {
        if (!_retired.Add(ticketKey))
        {
            return;
        }

        _retiredOrder.Enqueue(ticketKey);
        while (_retiredOrder.Count > RetiredCapacity)
        {
            var oldest = _retiredOrder.Dequeue();
            // A key that came back to life after retiring is live again and must keep its counter.
            if (_retired.Remove(oldest))
            {
                _revisions.Remove(oldest);
            }
        }
    }

    public Dictionary<string, int> ExportRevisions() => new(_revisions, StringComparer.Ordinal);

    public List<string> ExportRetired() => _retiredOrder.Where(_retired.Contains).ToList();

    public static RevisionLedger Import(IReadOnlyDictionary<string, int> revisions, IEnumerable<string> retired)
    {
        var ledger = new RevisionLedger();
        foreach (var (key, revision) in revisions)
        {
            ledger._revisions[key] = revision;
        }

        foreach (var key in retired)
        {
            ledger.Retire(key);
        }

        return ledger;
    }
}
