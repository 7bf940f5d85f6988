using MasterSender.Core.Signals;

namespace MasterSender.Core.Pipeline;

/// <summary>
/// Durable storage of signals and the book that produced them (the outbox implements it with SQLite).
/// <see cref="Commit"/> writes both in one transaction: after a crash the book and the signals agree, so the next
/// snapshot neither repeats a signal nor misses one.
/// </summary>
public interface ISignalJournal
{
    string? LoadBook(long login);

    void Commit(long login, IReadOnlyList<Signal> signals, string bookState);
}
