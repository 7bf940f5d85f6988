using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>The delivery side: the head of each ticket's queue, outcomes, and the page's queries.</summary>
public sealed partial class SqliteOutbox
{
    private const string CompleteSql = """
        UPDATE signals SET state = $state, attempts = COALESCE($attempts, attempts), last_error = COALESCE($error, last_error),
            completed_at_ms = $now, latency_ms = $latency, next_attempt_at_ms = NULL
        WHERE id = $id AND state = 'pending' AND idempotency_key = $key
        """;

    private const string Columns = "id, idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, attempts, last_error, next_attempt_at_ms, completed_at_ms, latency_ms";

    /// <summary>
    /// The oldest pending signal of each (login, ticket), oldest first: only a queue's head may be sent, which keeps
    /// each ticket in order while different tickets go in parallel.
    /// </summary>
    public IReadOnlyList<OutboxSignal> PendingHeads(int limit)
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM signals s
            WHERE state = 'pending' AND id = (SELECT MIN(id) FROM signals h WHERE h.state = 'pending' AND h.login = s.login AND h.ticket = s.ticket)
            ORDER BY id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        return Read(command);
    }

    /// <summary>The outcomes of a signal <see cref="NextToSendAsync"/> returned: each also retires the run the signal
    /// replaces (<see cref="OutboxSignal.RetiresFromId"/>), in the same transaction.</summary>
    public Task MarkSentAsync(OutboxSignal signal, int attempts, long latencyMs, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return _outcomes.WriteAsync((_, transaction) =>
        {
            Retire(transaction, signal);
            return Finish(transaction, signal, OutboxState.Sent, attempts, note, latencyMs);
        });
    }

    public Task MarkRejectedAsync(OutboxSignal signal, int attempts, string error)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return _outcomes.WriteAsync((_, transaction) =>
        {
            Retire(transaction, signal);
            return Finish(transaction, signal, OutboxState.Rejected, attempts, error, null);
        });
    }

    public Task MarkExpiredAsync(OutboxSignal signal, string reason)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return _outcomes.WriteAsync((_, transaction) =>
        {
            Retire(transaction, signal);
            return Finish(transaction, signal, OutboxState.Expired, null, reason, null);
        });
    }

    public Task RecordFailureAsync(OutboxSignal signal, int attempts, string error, long nextAttemptAtMs)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return _outcomes.WriteAsync((_, transaction) =>
        {
            Retire(transaction, signal);
            return Failure(transaction, signal.Id, attempts, error, nextAttemptAtMs);
        });
    }


    public OutboxCounts Counts()
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        // Index-only reads: signals_state, and signals_replaced (only the rows that absorbed a change).
        command.CommandText = "SELECT state, COUNT(*) FROM signals GROUP BY state; SELECT COALESCE(SUM(replaced), 0) FROM signals WHERE replaced > 0";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        reader.NextResult();
        reader.Read();
        var replaced = reader.GetInt64(0);

        return new OutboxCounts(counts.GetValueOrDefault("pending"), counts.GetValueOrDefault("sent"), counts.GetValueOrDefault("rejected"), counts.GetValueOrDefault("expired"), counts.GetValueOrDefault("superseded"))
        {
            Replaced = replaced,
        };
    }

    /// <summary>The most recent signals, newest first, optionally of one state: the page's history.</summary>
    public IReadOnlyList<OutboxSignal> Recent(int limit, OutboxState? state = null)
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM signals WHERE $state IS NULL OR state = $state ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$state", state is null ? DBNull.Value : ToColumn(state.Value));
        command.Parameters.AddWithValue("$limit", limit);
        return Read(command);
    }

    /// <summary>Deletes finished signals completed before <paramref name="completedBeforeMs"/>; never a pending one.</summary>
    public Task<int> DeleteHistoryAsync(long completedBeforeMs) => _outcomes.WriteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM signals WHERE state <> 'pending' AND completed_at_ms < $before";
        command.Parameters.AddWithValue("$before", completedBeforeMs);
        return command.ExecuteNonQuery();
    });

    private const string ReplacedWhileSendingSql = """
        INSERT INTO signals (idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, attempts, last_error, completed_at_ms, latency_ms)
        SELECT $key, $login, $ticket, $action, $body, $state, $detected, $created, COALESCE($attempts, 0), $error, $now, $latency
        WHERE EXISTS (SELECT 1 FROM signals WHERE id = $id AND state = 'pending' AND idempotency_key <> $key)
        """;

    /// <summary>The outcome of what <paramref name="signal"/> carried when it was read. When a newer SL/TP change took
    /// over its row meanwhile (SignalWriter), the row stays pending with the newer content, which goes next, and what
    /// was sent (or refused) is kept as a row of its own: the history holds everything the API was sent.</summary>
    private int Finish(SqliteTransaction transaction, OutboxSignal signal, OutboxState state, int? attempts, string? error, long? latencyMs)
    {
        var completed = Complete(transaction, signal.Id, signal.IdempotencyKey, state, attempts, error, latencyMs);
        if (completed > 0)
        {
            return completed;
        }

        var command = _outcomes.Statement(ReplacedWhileSendingSql, transaction);
        command.Parameters.AddWithValue("$key", signal.IdempotencyKey);
        command.Parameters.AddWithValue("$login", signal.Login);
        command.Parameters.AddWithValue("$ticket", signal.Ticket);
        command.Parameters.AddWithValue("$action", signal.Action);
        command.Parameters.AddWithValue("$body", signal.Body);
        command.Parameters.AddWithValue("$state", ToColumn(state));
        command.Parameters.AddWithValue("$detected", signal.DetectedAtMs);
        command.Parameters.AddWithValue("$created", signal.CreatedAtMs);
        command.Parameters.AddWithValue("$attempts", (object?)attempts ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", NowMs());
        command.Parameters.AddWithValue("$latency", (object?)latencyMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", signal.Id);
        if (command.ExecuteNonQuery() == 0)
        {
            return 0;
        }

        // The row's count of absorbed changes loses this one: it went to the API, it was not skipped.
        var uncount = _outcomes.Statement("UPDATE signals SET replaced = replaced - 1 WHERE id = $id AND replaced > 0", transaction);
        uncount.Parameters.AddWithValue("$id", signal.Id);
        uncount.ExecuteNonQuery();
        return 1;
    }

    private int Failure(SqliteTransaction transaction, long id, int attempts, string error, long nextAttemptAtMs)
    {
        var command = _outcomes.Statement("UPDATE signals SET attempts = $attempts, last_error = $error, next_attempt_at_ms = $next WHERE id = $id AND state = 'pending'", transaction);
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$next", nextAttemptAtMs);
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery();
    }

    private int Complete(SqliteTransaction transaction, long id, string key, OutboxState state, int? attempts, string? error, long? latencyMs)
    {
        var command = _outcomes.Statement(CompleteSql, transaction);
        command.Parameters.AddWithValue("$state", ToColumn(state));
        command.Parameters.AddWithValue("$attempts", (object?)attempts ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", NowMs());
        command.Parameters.AddWithValue("$latency", (object?)latencyMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteNonQuery();
    }

    private static string ToColumn(OutboxState state) => state.ToString().ToLowerInvariant();

    private static OutboxState FromColumn(string value) => Enum.Parse<OutboxState>(value, ignoreCase: true);

    private static List<OutboxSignal> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<OutboxSignal>();
        while (reader.Read())
        {
            rows.Add(new OutboxSignal
            {
                Id = reader.GetInt64(0),
                IdempotencyKey = reader.GetString(1),
                Login = reader.GetInt64(2),
                Ticket = reader.GetInt64(3),
                Action = reader.GetString(4),
                Body = reader.GetString(5),
                State = FromColumn(reader.GetString(6)),
                DetectedAtMs = reader.GetInt64(7),
                CreatedAtMs = reader.GetInt64(8),
                Attempts = reader.GetInt32(9),
                LastError = reader.IsDBNull(10) ? null : reader.GetString(10),
                NextAttemptAtMs = reader.IsDBNull(11) ? null : reader.GetInt64(11),
                CompletedAtMs = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                LatencyMs = reader.IsDBNull(13) ? null : reader.GetInt64(13),
            });
        }

        return rows;
    }
}
