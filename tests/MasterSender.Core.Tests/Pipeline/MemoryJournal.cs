using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Tests.Pipeline;

/// <summary>A journal that keeps what it is given, the book as its stored pieces, and can be told to fail, like a full disk.</summary>
internal sealed class MemoryJournal : ISignalJournal
{
    public List<Signal> Signals { get; } = [];

    public StoredBook? Book { get; private set; }

    public BookChanges? LastChanges { get; private set; }

    public bool Failing { get; set; }

    public int Commits { get; private set; }

    public StoredBook? LoadBook(long login) => Book;

    public void Commit(long login, IReadOnlyList<Signal> signals, BookChanges book)
    {
        if (Failing)
        {
            throw new IOException("disk full");
        }

        Commits++;
        Signals.AddRange(signals);
        LastChanges = book;
        Book = BookStorage.Apply(Book, book);
    }
}
