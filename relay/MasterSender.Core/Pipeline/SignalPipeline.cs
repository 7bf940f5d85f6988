using System.Runtime.ExceptionServices;
using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Pipeline;

/// <summary>
/// Applies accepted terminal messages to the account's book and makes the resulting signals durable before anyone
/// hears of them. One consumer thread calls <see cref="Stage"/> for each message and <see cref="CommitStaged"/>
/// when its queue runs dry (group commit: a burst of messages costs one transaction and one fsync, while a lone
/// message still commits at once). <see cref="Committed"/> fires after each commit (delivery wakes on it).
/// </summary>
public sealed class SignalPipeline(ISignalJournal journal, TimeProvider time, BookRules? rules = null)
{
    private readonly Dictionary<long, TradeBook> _books = [];
    private readonly Dictionary<long, List<Signal>> _staged = [];

    public event Action<long, IReadOnlyList<Signal>>? Committed;

    /// <summary>Count of signals produced since start, for the status page.</summary>
    public long SignalsProduced { get; private set; }

    /// <summary>True while some account has book changes not yet committed.</summary>
    public bool HasStaged => _staged.Count > 0;

    public TradeBook BookFor(long login)
    {
        if (_books.TryGetValue(login, out var book))
        {
            return book;
        }

        var stored = journal.LoadBook(login) is { } found ? BookStorage.Load(found) : null;
        book = stored is not null && stored.State.Login == login ? TradeBook.FromState(stored.State, rules, stored.FromItems) : new TradeBook(login, rules);
        _books[login] = book;
        return book;
    }

    /// <summary>Applies one message to the book. Its signals are not announced, nor safe, until <see cref="CommitStaged"/>.</summary>
    public IReadOnlyList<Signal> Stage(long login, EaMessage message)
    {
        var book = BookFor(login);
        var hadBaseline = book.HasBaseline;
        var unconfirmedChanges = book.UnconfirmedChanges;
        var signals = book.Apply(message, time.GetUtcNow().ToUnixTimeMilliseconds());

        // What is unconfirmed is stored too, so that a restarted relay still knows what it is waiting for.
        if (signals.Count == 0 && hadBaseline == book.HasBaseline && unconfirmedChanges == book.UnconfirmedChanges)
        {
            return signals;
        }

        if (!_staged.TryGetValue(login, out var pending))
        {
            pending = [];
            _staged[login] = pending;
        }

        pending.AddRange(signals);
        return signals;
    }

    /// <summary>
    /// Writes each account's staged signals with its book in one transaction. An account whose write fails forgets
    /// its book (the next message reloads the last committed one); the caller asks that terminal for a snapshot,
    /// which derives the lost signals again. Returns those failures.
    /// </summary>
    public IReadOnlyList<CommitFailure> CommitStaged()
    {
        if (_staged.Count == 0)
        {
            return [];
        }

        List<CommitFailure>? failures = null;
        foreach (var (login, signals) in _staged)
        {
            try
            {
                journal.Commit(login, signals, _books[login].TakeChanges());
            }
#pragma warning disable CA1031 // Any journal failure (disk full, locked file) is reported to the caller, which recovers by resync.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                _books.Remove(login);
                (failures ??= []).Add(new CommitFailure(login, failure));
                continue;
            }

            SignalsProduced += signals.Count;
            if (signals.Count > 0)
            {
                Committed?.Invoke(login, signals);
            }
        }

        _staged.Clear();
        return failures ?? [];
    }

    /// <summary>Stage and commit one message: for callers that do not batch. Throws what the journal threw.</summary>
    public IReadOnlyList<Signal> Apply(long login, EaMessage message)
    {
        var signals = Stage(login, message);
        if (CommitStaged() is [var failure, ..])
        {
            ExceptionDispatchInfo.Throw(failure.Error);
        }

        return signals;
    }
}

/// <summary>An account whose staged signals could not be stored.</summary>
public sealed record CommitFailure(long Login, Exception Error);
