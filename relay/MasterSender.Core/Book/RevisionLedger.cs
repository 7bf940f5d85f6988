namespace MasterSender.Core.Book;

/// <summary>
/// Per-ticket change counters behind the idempotency keys (<c>{login}-P{ticket}-{revision}</c>). A ticket's counter
/// outlives the ticket for a while, so that a ticket that comes back (a glitch, or a netting position re-opened by a
/// service operation) continues its count instead of reusing the key of its first OPEN, which the API would drop as a
/// duplicate. Retired counters are forgotten oldest-first past <see cref="RetiredCapacity"/>: MT5 tickets are unique
/// per account, so an old one coming back is not a case to keep memory for forever.
/// Each retirement takes the next number of a counter that only grows (and is stored), so the order of retirements
/// survives a restart however few of them were written since; the ledger remembers which keys changed, so that a
/// commit stores those and not the whole history (<see cref="TakeChangedKeys"/>).
/// </summary>
internal sealed class RevisionLedger
{
    public const int RetiredCapacity = 10_000;

    private readonly Dictionary<string, int> _revisions = new(StringComparer.Ordinal);

    // Retirement number of each retired key; the queue holds every retirement in order, stale entries included (a
    // key that came back, or retired again later, keeps only its newest number here).
    private readonly Dictionary<string, long> _retired = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Number)> _retiredOrder = new();
    private readonly ChangedKeys<string> _changed = new(StringComparer.Ordinal);

    /// <summary>The number of the latest retirement (stored with the book, so numbers keep growing after a restart).</summary>
    public long RetiredCounter { get; private set; }

    public int Next(string ticketKey)
    {
        _retired.Remove(ticketKey);
        var next = _revisions.GetValueOrDefault(ticketKey) + 1;
        _revisions[ticketKey] = next;
        _changed.Add(ticketKey);
        return next;
    }

    /// <summary>The key's item left the book (closed, removed) and has not come back since.</summary>
    public bool IsRetired(string ticketKey) => _retired.ContainsKey(ticketKey);

    public void Retire(string ticketKey)
    {
        if (_retired.ContainsKey(ticketKey))
        {
            return;
        }

        var number = ++RetiredCounter;
        _retired[ticketKey] = number;
        _retiredOrder.Enqueue((ticketKey, number));
        _changed.Add(ticketKey);
        while (_retiredOrder.Count > RetiredCapacity && _retiredOrder.TryDequeue(out var oldest))
        {
            // Only a key's newest retirement counts: one that came back to life after retiring is live again and
            // keeps its counter.
            if (_retired.TryGetValue(oldest.Key, out var current) && current == oldest.Number)
            {
                _retired.Remove(oldest.Key);
                _revisions.Remove(oldest.Key);
                _changed.Add(oldest.Key);
            }
        }
    }

    /// <summary>A key's counter and, when retired, its retirement number; null once forgotten.</summary>
    public (int Revision, long? RetiredNumber)? Entry(string ticketKey) =>
        _revisions.TryGetValue(ticketKey, out var revision)
            ? (revision, _retired.TryGetValue(ticketKey, out var number) ? number : null)
            : null;

    /// <summary>The keys whose counter or retirement changed since the last call.</summary>
    public List<string> TakeChangedKeys() => _changed.Take();

    public IEnumerable<string> Keys => _revisions.Keys;

    public Dictionary<string, int> ExportRevisions() => new(_revisions, StringComparer.Ordinal);

    /// <summary>The retired keys, oldest retirement first.</summary>
    public List<string> ExportRetired() =>
        _retiredOrder.Where(e => _retired.TryGetValue(e.Key, out var current) && current == e.Number).Select(e => e.Key).ToList();

    /// <param name="retired">Oldest retirement first.</param>
    /// <param name="retiredCounter">The stored counter; 0 from a book written before it was stored.</param>
    public static RevisionLedger Import(IReadOnlyDictionary<string, int> revisions, IEnumerable<string> retired, long retiredCounter = 0)
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

        // Numbered again from 1 here, in the stored order; new retirements must still come after every stored one.
        ledger.RetiredCounter = Math.Max(ledger.RetiredCounter, retiredCounter);
        ledger._changed.Take();
        return ledger;
    }
}
