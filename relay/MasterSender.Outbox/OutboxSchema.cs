using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

internal static class OutboxSchema
{
    public const string Columns =
        "id, idempotency_key, login, ticket, action, symbol, type, volume, price, body, state, attempts, last_error, created_at_ms, next_attempt_at_ms, sent_at_ms";

    public static void Create(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            CREATE TABLE IF NOT EXISTS signals (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                login INTEGER NOT NULL,
                ticket INTEGER NOT NULL,
                action TEXT NOT NULL,
                symbol TEXT NOT NULL,
                type TEXT NOT NULL,
                volume REAL NOT NULL,
                price REAL NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                created_at_ms INTEGER NOT NULL,
                next_attempt_at_ms INTEGER NOT NULL,
                sent_at_ms INTEGER
            );
            CREATE INDEX IF NOT EXISTS signals_pending_by_ticket ON signals (state, ticket, id);
            CREATE TABLE IF NOT EXISTS books (login INTEGER PRIMARY KEY, state TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public static OutboxEntry Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        IdempotencyKey = reader.GetString(1),
        Login = reader.GetInt64(2),
        Ticket = reader.GetInt64(3),
        Action = reader.GetString(4),
        Symbol = reader.GetString(5),
        Type = reader.GetString(6),
        Volume = reader.GetDouble(7),
        Price = reader.GetDouble(8),
        Body = reader.GetString(9),
        State = Enum.Parse<DeliveryState>(reader.GetString(10), ignoreCase: true),
        Attempts = reader.GetInt32(11),
        LastError = reader.IsDBNull(12) ? null : reader.GetString(12),
        CreatedAtMs = reader.GetInt64(13),
        NextAttemptAtMs = reader.GetInt64(14),
        SentAtMs = reader.IsDBNull(15) ? null : reader.GetInt64(15),
    };
}
