using MasterSender.Core.Book;
using MasterSender.Core.Signals;

namespace MasterSender.Core.Pipeline;

/// <summary>
/// Durable storage of signals and the book that produced them (the outbox implements it with SQLite).
/// <see cref="Commit"/> writes both in one transaction: after a crash the book and the signals agree, so the next
/// snapshot neither repeats a signal nor misses one. The book is stored in pieces (<see cref="BookStorage"/>): each
/// commit writes the pieces that changed.
/// </summary>
public interface ISignalJournal
{
    /// <summary>The account's stored book, null when none.</summary>
    StoredBook? LoadBook(long login);

    /// <summary>Stores the signals and the book's changes in one transaction: all of it or nothing.</summary>
    void Commit(long login, IReadOnlyList<Signal> signals, BookChanges book);
}
