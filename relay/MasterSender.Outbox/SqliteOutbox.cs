using System.Globalization;
using MasterSender.Core.Canonical;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Signals;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// Signals and books in one SQLite file (WAL). <see cref="Commit"/> stores a batch of signals and the book that
/// produced them in one transaction, so after any crash the two agree: the next snapshot neither repeats a signal
/// nor misses one. synchronous=NORMAL: a commit survives a crash of the relay (the WAL is written before Commit
/// returns); a power cut may lose the last commits, but then book and signals are lost together and the EA's next
/// snapshot derives the same signals again with the same idempotency keys, which the API de-duplicates.
/// One connection behind a lock: SQLite serialises writers anyway, and every statement here takes microseconds.
/// </summary>
public sealed class SqliteOutbox : ISignalJournal, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        OutboxSchema.Create(_connection);
    }

    public string Path { get; }

    public string? LoadBook(long login)
    {
        lock (_gate)
        {
            using var command = Command("SELECT state FROM books WHERE login = $login", ("$login", login));
            return command.ExecuteScalar() as string;
        }
    }

    public void Commit(long login, IReadOnlyList<Signal> signals, string bookState)
    {
        ArgumentNullException.ThrowIfNull(signals);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = Command(
                """
                INSERT OR IGNORE INTO signals
                    (idempotency_key, login, ticket, action, symbol, type, volume, price, body, state, attempts, created_at_ms, next_attempt_at_ms)
                VALUES ($key, $login, $ticket, $action, $symbol, $type, $volume, $price, $body, 'pending', 0, $created, $created)
                """,
                transaction);
            foreach (var signal in signals)
            {
                insert.Parameters.Clear();
                Bind(insert, ("$key", signal.IdempotencyKey), ("$login", login), ("$ticket", signal.MasterTicket), ("$action", signal.Action.ToWire()),
                    ("$symbol", signal.Symbol), ("$type", signal.Type), ("$volume", signal.Volume), ("$price", signal.Price),
                    ("$body", CanonicalJson.Serialize(signal.ToPayload())), ("$created", signal.DetectedAtMs));
                insert.ExecuteNonQuery();
            }

            using var book = Command(
                "INSERT INTO books (login, state) VALUES ($login, $state) ON CONFLICT(login) DO UPDATE SET state = excluded.state",
                transaction);
            Bind(book, ("$login", login), ("$state", bookState));
            book.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>The oldest pending signal of each ticket: the only ones that may be sent now (order per ticket).</summary>
    public IReadOnlyList<OutboxEntry> PendingHeads(int limit)
    {
        lock (_gate)
        {
            using var command = Command(
                $"""
                SELECT {OutboxSchema.Columns} FROM signals
                WHERE id IN (SELECT MIN(id) FROM signals WHERE state = 'pending' GROUP BY ticket)
                ORDER BY next_attempt_at_ms, id LIMIT $limit
                """,
                ("$limit", limit));
            return ReadEntries(command);
        }
    }

    public IReadOnlyList<OutboxEntry> Recent(int count)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {OutboxSchema.Columns} FROM signals ORDER BY id DESC LIMIT $count", ("$count", count));
            return ReadEntries(command);
        }
    }

    public OutboxEntry? Get(long id)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {OutboxSchema.Columns} FROM signals WHERE id = $id", ("$id", id));
            return ReadEntries(command).FirstOrDefault();
        }
    }

    public OutboxEntry? Find(string idempotencyKey)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {OutboxSchema.Columns} FROM signals WHERE idempotency_key = $key", ("$key", idempotencyKey));
            return ReadEntries(command).FirstOrDefault();
        }
    }

    public OutboxCounts Counts()
    {
        lock (_gate)
        {
            using var command = Command(
                """
                SELECT
                    COALESCE(SUM(state = 'pending' AND attempts = 0), 0),
                    COALESCE(SUM(state = 'pending' AND attempts > 0), 0),
                    COALESCE(SUM(state = 'sent'), 0),
                    COALESCE(SUM(state = 'rejected'), 0),
                    COALESCE(SUM(state = 'expired'), 0)
                FROM signals
                """);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OutboxCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
    }

    public void MarkSent(long id, int attempts, long sentAtMs) =>
        Update(id, "UPDATE signals SET state = 'sent', attempts = $attempts, sent_at_ms = $at, last_error = NULL WHERE id = $id",
            ("$attempts", attempts), ("$at", sentAtMs));

    public void MarkRejected(long id, int attempts, string error) =>
        Update(id, "UPDATE signals SET state = 'rejected', attempts = $attempts, last_error = $error WHERE id = $id",
            ("$attempts", attempts), ("$error", error));

    public void MarkExpired(long id, string reason) =>
        Update(id, "UPDATE signals SET state = 'expired', last_error = $error WHERE id = $id", ("$error", reason));

    public void ScheduleRetry(long id, int attempts, string error, long nextAttemptAtMs) =>
        Update(id, "UPDATE signals SET attempts = $attempts, last_error = $error, next_attempt_at_ms = $next WHERE id = $id",
            ("$attempts", attempts), ("$error", error), ("$next", nextAttemptAtMs));

    /// <summary>The account the API allowed last time, so a restart before the API answers still knows it.</summary>
    public string? GetSetting(string key)
    {
        lock (_gate)
        {
            using var command = Command("SELECT value FROM settings WHERE key = $key", ("$key", key));
            return command.ExecuteScalar() as string;
        }
    }

    public void SetSetting(string key, string? value)
    {
        lock (_gate)
        {
            using var command = value is null
                ? Command("DELETE FROM settings WHERE key = $key", ("$key", key))
                : Command("INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("$key", key), ("$value", value));
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Update(long id, string sql, params (string Name, object? Value)[] values)
    {
        lock (_gate)
        {
            using var command = Command(sql, values);
            Bind(command, ("$id", id));
            command.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] values) => Command(sql, null, values);

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        Bind(command, values);
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static List<OutboxEntry> ReadEntries(SqliteCommand command)
    {
        var entries = new List<OutboxEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(OutboxSchema.Read(reader));
        }

        return entries;
    }
}
