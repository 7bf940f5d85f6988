using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MasterSender.Core.Book;

/// <summary>
/// A dictionary that remembers which keys changed since <see cref="TakeChangedKeys"/> last ran, so the book stores only
/// those at its next commit (<see cref="TradeBook.TakeChanges"/>). Every write goes through here: no write can be
/// forgotten by the store, which would leave a restarted relay with another book than the one it ran with.
/// Setting a key to an equal value is no change (a terminal repeating itself costs no write).
/// </summary>
internal sealed class TrackedMap<TKey, TValue>(IDictionary<TKey, TValue> items) : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    private readonly ChangedKeys<TKey> _changed = new();

    public int Count => items.Count;

    public IEnumerable<TKey> Keys => items.Keys;

    public IEnumerable<TValue> Values => items.Values;

    public TValue this[TKey key]
    {
        get => items[key];
        set
        {
            if (!items.TryGetValue(key, out var old) || !EqualityComparer<TValue>.Default.Equals(old, value))
            {
                _changed.Add(key);
            }

            items[key] = value;
        }
    }

    public bool TryAdd(TKey key, TValue value)
    {
        if (!items.TryAdd(key, value))
        {
            return false;
        }

        _changed.Add(key);
        return true;
    }

    public bool Remove(TKey key)
    {
        if (!items.Remove(key))
        {
            return false;
        }

        _changed.Add(key);
        return true;
    }

    /// <summary>The keys written or removed since the last call; each is present (written) or absent (removed) now.</summary>
    public List<TKey> TakeChangedKeys() => _changed.Take();

    public bool ContainsKey(TKey key) => items.ContainsKey(key);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => items.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
