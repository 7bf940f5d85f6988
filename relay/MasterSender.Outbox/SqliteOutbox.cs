using MasterSender.Core.Accounts;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// The durable outbox. <see cref="Commit"/> stores new signals and the book that produced them in one transaction:
/// after a crash either both are there (the signals get delivered, the book does not produce them again) or neither
/// (the book is older, so the same difference produces the same signals again). Thread-safe: each call uses its own
/// pooled connection.
/// </summary>
public sealed partial class SqliteOutbox : MasterSender.Core.Pipeline.ISignalJournal, IDisposable
{
    private readonly string connectionString;
    private readonly TimeProvider time;

    public SqliteOutbox(string path, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        DatabasePath = Path.GetFullPath(path);
        this.time = time;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        OutboxSchema.Create(connection);
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Writes the signals (canonical body, key, action, ticket, pending) and the account's book state atomically.
    /// A signal whose idempotency key is already stored is ignored, so a replayed commit never duplicates.
    /// Returns only after the transaction is durable: then the pipeline may acknowledge, and should call
    /// <c>DeliveryService.Notify()</c>.
    /// </summary>
    public void Commit(long login, IReadOnlyList<Signal> signals, string bookState)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(bookState);
        var now = NowMs();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var signal in signals)
        {
            if (signal.MasterLogin != login)
            {
                throw new ArgumentException($"Signal {signal.IdempotencyKey} belongs to account {signal.MasterLogin}, not {login}.", nameof(signals));
            }

            InsertSignal(connection, transaction, signal, now);
        }

        using (var book = connection.CreateCommand())
        {
            book.Transaction = transaction;
            book.CommandText = "INSERT INTO books (login, state, updated_at_ms) VALUES ($login, $state, $now) ON CONFLICT (login) DO UPDATE SET state = excluded.state, updated_at_ms = excluded.updated_at_ms";
            book.Parameters.AddWithValue("$login", login);
            book.Parameters.AddWithValue("$state", bookState);
            book.Parameters.AddWithValue("$now", now);
            book.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The book state last committed for this account, or null when none.</summary>
    public string? LoadBook(long login)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM books WHERE login = $login";
        command.Parameters.AddWithValue("$login", login);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Remembers whom this relay serves, so a restart before the API answers still refuses other accounts.</summary>
    public void SaveAllowedAccount(AllowedAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO allowed_account (id, login, mt5_path, updated_at_ms) VALUES (1, $login, $path, $now) ON CONFLICT (id) DO UPDATE SET login = excluded.login, mt5_path = excluded.mt5_path, updated_at_ms = excluded.updated_at_ms";
        command.Parameters.AddWithValue("$login", account.Login);
        command.Parameters.AddWithValue("$path", (object?)account.Mt5Path ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", NowMs());
        command.ExecuteNonQuery();
    }

    public AllowedAccount? LoadAllowedAccount()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT login, mt5_path FROM allowed_account WHERE id = 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AllowedAccount(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(connectionString));

    private static void InsertSignal(SqliteConnection connection, SqliteTransaction transaction, Signal signal, long now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO signals (idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms)
            VALUES ($key, $login, $ticket, $action, $body, 'pending', $detected, $now)
            ON CONFLICT (idempotency_key) DO NOTHING
            """;
        command.Parameters.AddWithValue("$key", signal.IdempotencyKey);
        command.Parameters.AddWithValue("$login", signal.MasterLogin);
        command.Parameters.AddWithValue("$ticket", signal.MasterTicket);
        command.Parameters.AddWithValue("$action", signal.Action.ToWire());
        command.Parameters.AddWithValue("$body", CanonicalJson.Serialize(signal.ToPayload()));
        command.Parameters.AddWithValue("$detected", signal.DetectedAtMs);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // FULL, not NORMAL: in WAL mode NORMAL stays consistent but may lose the last commits on power loss. A lost
        // commit after the EA was acknowledged can lose a signal for good (the position may be gone by the restart,
        // so no difference would re-create its OPEN/CLOSE). One fsync per commit is cheap at trading rates.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
        return connection;
    }
}
