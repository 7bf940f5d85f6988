using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// The commit path's own connection with its statements prepared once. Every signal waits on this path before the
/// API can hear of it, so it skips what a pooled connection costs per call (opening, pragmas, parsing SQL).
/// Not thread-safe: <see cref="SqliteOutbox"/> serialises callers.
/// </summary>
internal sealed class SignalWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertSignal;
    private readonly SqliteCommand _upsertBook;

    public SignalWriter(SqliteConnection connection)
    {
        _connection = connection;
        // Checkpoints (copying the WAL into the database, with an fsync) are the outcome writer's job, off this path.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint=0";
            pragma.ExecuteNonQuery();
        }

        _insertSignal = connection.CreateCommand();
        _insertSignal.CommandText = """
            INSERT INTO signals (idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms)
            VALUES ($key, $login, $ticket, $action, $body, 'pending', $detected, $now)
            ON CONFLICT (idempotency_key) WHERE state = 'pending' DO NOTHING
            """;
        foreach (var name in new[] { "$key", "$login", "$ticket", "$action", "$body", "$detected", "$now" })
        {
            _insertSignal.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _upsertBook = connection.CreateCommand();
        _upsertBook.CommandText = "INSERT INTO books (login, state, updated_at_ms) VALUES ($login, $state, $now) ON CONFLICT (login) DO UPDATE SET state = excluded.state, updated_at_ms = excluded.updated_at_ms";
        foreach (var name in new[] { "$login", "$state", "$now" })
        {
            _upsertBook.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _insertSignal.Prepare();
        _upsertBook.Prepare();
    }

    public void Commit(long login, IReadOnlyList<Signal> signals, string bookState, long now)
    {
        using var transaction = _connection.BeginTransaction();
        _insertSignal.Transaction = transaction;
        _upsertBook.Transaction = transaction;
        foreach (var signal in signals)
        {
            if (signal.MasterLogin != login)
            {
                throw new ArgumentException($"Signal {signal.IdempotencyKey} belongs to account {signal.MasterLogin}, not {login}.", nameof(signals));
            }

            var values = _insertSignal.Parameters;
            values["$key"].Value = signal.IdempotencyKey;
            values["$login"].Value = signal.MasterLogin;
            values["$ticket"].Value = signal.MasterTicket;
            values["$action"].Value = signal.Action.ToWire();
            values["$body"].Value = CanonicalJson.Serialize(signal.ToPayload());
            values["$detected"].Value = signal.DetectedAtMs;
            values["$now"].Value = now;
            _insertSignal.ExecuteNonQuery();
        }

        _upsertBook.Parameters["$login"].Value = login;
        _upsertBook.Parameters["$state"].Value = bookState;
        _upsertBook.Parameters["$now"].Value = now;
        _upsertBook.ExecuteNonQuery();
        transaction.Commit();
    }

    public void Dispose()
    {
        _insertSignal.Dispose();
        _upsertBook.Dispose();
        _connection.Dispose();
    }
}
