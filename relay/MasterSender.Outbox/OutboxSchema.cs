using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// The outbox's tables, versioned with <c>PRAGMA user_version</c>. Version 2 exists for the trailing-stop case
/// (1,000 positions whose SL moves together): an index keyed by ticket takes one scattered page write per ticket
/// per commit, so only the pending rows are indexed by ticket and by key (a short list in normal operation), and
/// no index covers the whole history by idempotency key. A 1,000-signal commit fell from about 45 ms to under 10 ms.
/// Version 3 adds <c>replaced</c>: a queued SL/TP change is replaced in its row by the next one of the same ticket
/// instead of leaving a row behind (SignalWriter), and the row counts how many it absorbed. The page's totals stay
/// index-only reads: the state index as before (with the count in it, the scan of pending heads needed a sort for its
/// ORDER BY id), and a partial index on the rows that absorbed any.
/// Version 4 stores each book in pieces (<c>book_items</c>, one row per position, order, revision counter…) under its
/// header in <c>books</c>, so a commit writes what changed rather than the whole book (MasterSender.Core.Book.BookStorage).
/// </summary>
internal static class OutboxSchema
{
    private const int CurrentVersion = 4;

    private static string SignalsTable(string name) => $"""
        CREATE TABLE {name} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL,
            login INTEGER NOT NULL,
            ticket INTEGER NOT NULL,
            action TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL,
            detected_at_ms INTEGER NOT NULL,
            created_at_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_at_ms INTEGER,
            completed_at_ms INTEGER,
            latency_ms INTEGER,
            replaced INTEGER NOT NULL DEFAULT 0
        );
        """;

    private const string OtherTables = """
        CREATE INDEX IF NOT EXISTS signals_pending ON signals (login, ticket, id) WHERE state = 'pending';
        CREATE UNIQUE INDEX IF NOT EXISTS signals_pending_key ON signals (idempotency_key) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS signals_state ON signals (state);
        CREATE INDEX IF NOT EXISTS signals_replaced ON signals (replaced) WHERE replaced > 0;
        CREATE TABLE IF NOT EXISTS books (
            login INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            updated_at_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS book_items (
            login INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (login, kind, key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS allowed_account (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            login INTEGER NOT NULL,
            mt5_path TEXT,
            updated_at_ms INTEGER NOT NULL
        );
        """;

    public static void Create(SqliteConnection connection)
    {
        // WAL: readers (the page) never block the writer (the pipeline), and a commit is one sequential append.
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        using var transaction = connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar(connection, transaction, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (version >= CurrentVersion)
        {
            return;
        }

        var hasSignals = Convert.ToInt64(Scalar(connection, transaction, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'signals'"), System.Globalization.CultureInfo.InvariantCulture) > 0;
        if (hasSignals && version < 2)
        {
            // Version 1 declared idempotency_key UNIQUE, which only a rebuild removes; rows and ids are kept.
            const string columns = "id, idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, attempts, last_error, next_attempt_at_ms, completed_at_ms, latency_ms";
            Execute(connection, transaction, SignalsTable("signals_v3"));
            Execute(connection, transaction, $"INSERT INTO signals_v3 ({columns}) SELECT {columns} FROM signals");
            Execute(connection, transaction, "DROP TABLE signals; ALTER TABLE signals_v3 RENAME TO signals;");
        }
        else if (hasSignals && version < 3)
        {
            // Version 2: one column more (its index is made below).
            Execute(connection, transaction, "ALTER TABLE signals ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0;");
        }
        else if (!hasSignals)
        {
            Execute(connection, transaction, SignalsTable("signals"));
        }

        // Version 3 to 4: book_items is new (below); a book stored whole is read as such and stored in pieces at its
        // next commit.

        Execute(connection, transaction, OtherTables + $"PRAGMA user_version = {CurrentVersion};");
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
