namespace MasterSender.Core.Book;

/// <summary>The keys of a book's pieces written or removed since the last commit took them (<see cref="TradeBook.TakeChanges"/>).</summary>
internal sealed class ChangedKeys<TKey>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly HashSet<TKey> _keys = new(comparer);

    public void Add(TKey key) => _keys.Add(key);

    /// <summary>The keys noted since the last call, and none after it.</summary>
    public List<TKey> Take()
    {
        var keys = _keys.ToList();
        _keys.Clear();
        return keys;
    }
}
