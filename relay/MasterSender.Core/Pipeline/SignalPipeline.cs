using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Pipeline;

/// <summary>
/// Applies accepted terminal messages to the account's book and makes the resulting signals durable before anyone
/// hears of them. One consumer thread calls <see cref="Apply"/>; <see cref="Committed"/> fires after each commit
/// (delivery wakes on it).
/// </summary>
public sealed class SignalPipeline(ISignalJournal journal, TimeProvider time)
{
    private readonly Dictionary<long, TradeBook> _books = [];

    public event Action<long, IReadOnlyList<Signal>>? Committed;

    /// <summary>Count of signals produced since start, for the status page.</summary>
    public long SignalsProduced { get; private set; }

    public TradeBook BookFor(long login)
    {
        if (_books.TryGetValue(login, out var book))
        {
            return book;
        }

        var stored = journal.LoadBook(login) is { } json ? BookState.Deserialize(json) : null;
        book = stored is not null && stored.Login == login ? TradeBook.FromState(stored) : new TradeBook(login);
        _books[login] = book;
        return book;
    }

    public IReadOnlyList<Signal> Apply(long login, EaMessage message)
    {
        var book = BookFor(login);
        var hadBaseline = book.HasBaseline;
        var signals = book.Apply(message, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (signals.Count == 0 && hadBaseline == book.HasBaseline)
        {
            return signals;
        }

        try
        {
            journal.Commit(login, signals, book.ToState().Serialize());
        }
        catch
        {
            // The book moved ahead of what is stored. Forget it: the next message reloads the last committed book,
            // and the caller asks the terminal for a snapshot, which derives these signals again.
            _books.Remove(login);
            throw;
        }

        SignalsProduced += signals.Count;
        if (signals.Count > 0)
        {
            Committed?.Invoke(login, signals);
        }

        return signals;
    }
}
