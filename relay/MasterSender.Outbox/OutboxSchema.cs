using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

internal static class OutboxSchema
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS signals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
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
            latency_ms INTEGER
        );
        CREATE INDEX IF NOT EXISTS signals_pending ON signals (state, login, ticket, id);
        CREATE TABLE IF NOT EXISTS books (
            login INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            updated_at_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS allowed_account (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            login INTEGER NOT NULL,
            mt5_path TEXT,
            updated_at_ms INTEGER NOT NULL
        );
        """;

    public static void Create(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        // WAL: readers (the page) never block the writer (the pipeline), and a commit is one sequential append.
        command.CommandText = "PRAGMA journal_mode=WAL;" + Ddl;
        command.ExecuteNonQuery();
    }
}
