using MasterSender.Core.Accounts;
using MasterSender.Core.Book;
using MasterSender.Core.Signals;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// The durable outbox. <see cref="Commit"/> stores new signals and the book that produced them in one transaction:
/// after a crash either both are there (the signals get delivered, the book does not produce them again) or neither
/// (the book is older, so the same difference produces the same signals again). Thread-safe: commits go through one
/// prepared connection (<see cref="SignalWriter"/>), delivery outcomes through another that batches them
/// (<see cref="OutcomeWriter"/>), both behind one write gate; queries use pooled connections.
/// </summary>
public sealed partial class SqliteOutbox : MasterSender.Core.Pipeline.ISignalJournal, IDisposable
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    // One writer at a time, decided here rather than by SQLite: a writer SQLite finds busy sleeps (its busy handler
    // and Microsoft.Data.Sqlite's retry back off by up to 150 ms), which stalled delivery behind every big commit.
    // Delivery waits asynchronously (the *Async methods), so no pool thread blocks meanwhile.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly OutcomeWriter _outcomes;
    private SignalWriter? _writer;
    private int _disposed;

    public SqliteOutbox(string path, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        DatabasePath = Path.GetFullPath(path);
        _time = time;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using (var connection = Open())
        {
            OutboxSchema.Create(connection);
        }

        _outcomes = new OutcomeWriter(Open(durable: false), _writeGate);
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Writes the signals (canonical body, key, action, ticket, pending) and the book's changed pieces atomically.
    /// A signal whose idempotency key is still pending is ignored, so a replayed commit never queues it twice (one
    /// already sent would go again, and the API answers 409 duplicate, recorded as sent).
    /// Returns only after the transaction is durable: then the pipeline announces the signals, and delivery is woken
    /// for their tickets.
    /// </summary>
    public void Commit(long login, IReadOnlyList<Signal> signals, BookChanges book)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(book);
        var now = NowMs();
        _writeGate.Wait();
        try
        {
            _writer ??= new SignalWriter(Open());
            _writer.Commit(login, signals, book, now);
        }
        catch
        {
            // The connection may be what broke (file replaced, disk error): the next commit starts afresh.
            _writer?.Dispose();
            _writer = null;
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The book last committed for this account (header and pieces, read in one transaction), or null when none.</summary>
    public StoredBook? LoadBook(long login)
    {
        using var connection = OpenForReading();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT state FROM books WHERE login = $login; SELECT kind, key, value FROM book_items WHERE login = $login";
        command.Parameters.AddWithValue("$login", login);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var header = reader.GetString(0);
        reader.NextResult();
        var items = new List<BookItem>();
        while (reader.Read())
        {
            items.Add(new BookItem((BookItemKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return new StoredBook(header, items);
    }

    /// <summary>Remembers whom this relay serves, so a restart before the API answers still refuses other accounts.</summary>
    public void SaveAllowedAccount(AllowedAccount account) => _outcomes.WriteAsync((connection, transaction) =>
    {
        ArgumentNullException.ThrowIfNull(account);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO allowed_account (id, login, mt5_path, updated_at_ms) VALUES (1, $login, $path, $now) ON CONFLICT (id) DO UPDATE SET login = excluded.login, mt5_path = excluded.mt5_path, updated_at_ms = excluded.updated_at_ms";
        command.Parameters.AddWithValue("$login", account.Login);
        command.Parameters.AddWithValue("$path", (object?)account.Mt5Path ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", NowMs());
        return command.ExecuteNonQuery();
    }).GetAwaiter().GetResult();

    public AllowedAccount? LoadAllowedAccount()
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT login, mt5_path FROM allowed_account WHERE id = 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AllowedAccount(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    public void Dispose()
    {
        // The host may dispose it twice (it is registered under two service types).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _outcomes.Dispose();
        _writeGate.Wait();
        _writer?.Dispose();
        _writer = null;
        _writeGate.Release();
        _writeGate.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A pooled connection for queries: WAL readers neither wait for the writer nor make it wait.</summary>
    private SqliteConnection OpenForReading()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A connection for writes, durable or not.</summary>
    /// <param name="durable">
    /// True for writes that must survive power loss once this call returns: new signals and the book (FULL: an fsync
    /// per commit; a lost commit after the EA moved on can lose a signal for good, since the position may be gone by
    /// the restart and no difference would re-create its OPEN/CLOSE). False for delivery outcomes (NORMAL: no fsync
    /// of its own; the next durable commit or checkpoint carries it to disk). Losing one only means the signal is
    /// sent again after a restart, which the API answers with 409 duplicate: an fsync there would buy nothing.
    /// </param>
    private SqliteConnection Open(bool durable = true)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = durable
            ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
        return connection;
    }
}
