using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// Conflation: when a ticket's queue holds several SL/TP (or pending-order) changes in a row, only the newest is
/// worth sending. Each carries the whole new state, so a follower that gets the last one ends where the master is,
/// sooner than after replaying every step of a trailing stop behind a slow API. The seed's 50 ms poller did the
/// same by never seeing the steps in between. Any other action (OPEN, PARTIAL_CLOSE, CLOSE…) is never skipped,
/// and a change is never merged across one.
/// </summary>
public sealed partial class SqliteOutbox
{
    private const int ConflationWindow = 256;

    private static readonly HashSet<string> StateReplacingActions = new(StringComparer.Ordinal) { "MODIFY", "ORDER_MODIFIED" };

    /// <summary>
    /// The signal of this ticket to send next, or null when its queue is empty. Changes it makes obsolete are marked
    /// superseded (returned in <paramref name="superseded"/>); the one sent inherits their attempts and retry time,
    /// so conflation never bypasses a back-off.
    /// </summary>
    public OutboxSignal? NextToSend(long login, long ticket, out IReadOnlyList<OutboxSignal> superseded)
    {
        superseded = [];
        using var connection = Open(durable: false);
        using var transaction = connection.BeginTransaction();
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = $"SELECT {Columns} FROM signals WHERE state = 'pending' AND login = $login AND ticket = $ticket ORDER BY id LIMIT $window";
        query.Parameters.AddWithValue("$login", login);
        query.Parameters.AddWithValue("$ticket", ticket);
        query.Parameters.AddWithValue("$window", ConflationWindow);
        var queue = Read(query);
        if (queue.Count == 0)
        {
            return null;
        }

        var head = queue[0];
        var last = 0;
        while (StateReplacingActions.Contains(head.Action) && last + 1 < queue.Count && queue[last + 1].Action == head.Action)
        {
            last++;
        }

        if (last == 0)
        {
            return head;
        }

        var survivor = queue[last] with
        {
            Attempts = Math.Max(queue[last].Attempts, head.Attempts),
            NextAttemptAtMs = head.NextAttemptAtMs,
        };
        var now = NowMs();
        var dropped = queue.Take(last).ToList();
        foreach (var old in dropped)
        {
            Supersede(connection, transaction, old.Id, survivor.IdempotencyKey, now);
        }

        using (var inherit = connection.CreateCommand())
        {
            inherit.Transaction = transaction;
            inherit.CommandText = "UPDATE signals SET attempts = $attempts, next_attempt_at_ms = $next WHERE id = $id";
            inherit.Parameters.AddWithValue("$attempts", survivor.Attempts);
            inherit.Parameters.AddWithValue("$next", (object?)survivor.NextAttemptAtMs ?? DBNull.Value);
            inherit.Parameters.AddWithValue("$id", survivor.Id);
            inherit.ExecuteNonQuery();
        }

        transaction.Commit();
        superseded = dropped.Select(old => old with { State = OutboxState.Superseded, CompletedAtMs = now, LastError = $"superseded by {survivor.IdempotencyKey}" }).ToList();
        return survivor;
    }

    private static void Supersede(SqliteConnection connection, SqliteTransaction transaction, long id, string by, long now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE signals SET state = 'superseded', last_error = $note, completed_at_ms = $now, next_attempt_at_ms = NULL WHERE id = $id AND state = 'pending'";
        command.Parameters.AddWithValue("$note", $"superseded by {by}");
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }
}
