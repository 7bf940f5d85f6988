using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Signals;

namespace MasterSender.Ingress.Tests;

/// <summary>An in-memory journal: keeps every committed signal and the last book, like the SQLite outbox does.</summary>
internal sealed class RecordingJournal : ISignalJournal
{
    private readonly Lock _gate = new();
    private readonly List<Signal> _signals = [];
    private readonly Dictionary<long, StoredBook> _books = [];

    public IReadOnlyList<Signal> Signals
    {
        get
        {
            lock (_gate)
            {
                return [.. _signals];
            }
        }
    }

    public int Commits { get; private set; }

    /// <summary>While true every commit throws, like a full disk.</summary>
    public bool Failing { get; set; }

    public StoredBook? LoadBook(long login)
    {
        lock (_gate)
        {
            return _books.GetValueOrDefault(login);
        }
    }

    public void Commit(long login, IReadOnlyList<Signal> signals, BookChanges book)
    {
        if (Failing)
        {
            throw new IOException("No space left on device");
        }

        lock (_gate)
        {
            _signals.AddRange(signals);
            _books[login] = BookStorage.Apply(_books.GetValueOrDefault(login), book);
            Commits++;
        }
    }
}
