using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// Conflation: when a ticket's queue holds several SL/TP (or pending-order) changes in a row, only the newest is
/// worth sending. Each carries the whole new state, so a follower that gets the last one ends where the master is,
/// sooner than after replaying every step of a trailing stop behind a slow API. The seed's 50 ms poller did the
/// same by never seeing the steps in between. Any other action (OPEN, PARTIAL_CLOSE, CLOSE…) is never skipped,
/// and a change is never merged across one. Since outbox version 3 the writer replaces a queued change in its row
/// (SignalWriter), so runs are found here only in outboxes a relay before it left behind.
/// </summary>
public sealed partial class SqliteOutbox
{
    private const int ConflationWindow = 1024;

    private static readonly HashSet<string> StateReplacingActions = new(StringComparer.Ordinal) { "MODIFY", "ORDER_MODIFIED" };

    /// <summary>
    /// The signal of this ticket to send next, or null when its queue is empty. When a run of changes of the same
    /// kind heads the queue, its newest goes, inheriting the run's attempts and retry time (conflation never bypasses
    /// a back-off), and the older ones are returned as <see cref="NextSignal.Superseded"/>: they are marked so by the
    /// write of the newest one's outcome (<see cref="OutboxSignal.RetiresFromId"/>), in the same transaction, so they
    /// stay pending until that outcome is stored. <see cref="NextSignal.MoreQueued"/> says whether anything was queued
    /// behind it when it was read, so delivery need not read the ticket's queue once more only to find it empty.
    /// </summary>
    public Task<NextSignal> NextToSendAsync(long login, long ticket, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (head, runFollows, moreQueued) = Head(login, ticket);
        if (!runFollows)
        {
            return Task.FromResult(new NextSignal(head, []) { MoreQueued = moreQueued });
        }

        var queue = Peek(login, ticket);
        if (queue.Count == 0)
        {
            return Task.FromResult(new NextSignal(null, []));
        }

        var last = RunEnd(queue);
        var next = Fetch(queue[last].Id);
        if (last > 0)
        {
            next = next with { Attempts = Math.Max(next.Attempts, queue[0].Attempts), NextAttemptAtMs = queue[0].NextAttemptAtMs, RetiresFromId = queue[0].Id };
        }

        // Peek stops after the first row outside the run, or at the window, where more may follow unseen.
        return Task.FromResult(new NextSignal(next, ToBeSuperseded(login, ticket, queue, last)) { MoreQueued = queue.Count > last + 1 || queue.Count >= ConflationWindow });
    }

    /// <summary>The head of the ticket's queue, and whether a change it would be superseded by follows it: one query
    /// in the usual case, where nothing waits behind the head.</summary>
    private (OutboxSignal? Head, bool RunFollows, bool MoreQueued) Head(long login, long ticket)
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM signals WHERE state = 'pending' AND login = $login AND ticket = $ticket ORDER BY id LIMIT 2";
        command.Parameters.AddWithValue("$login", login);
        command.Parameters.AddWithValue("$ticket", ticket);
        var rows = Read(command);
        return rows.Count switch
        {
            0 => (null, false, false),
            1 => (rows[0], false, false),
            _ => (rows[0], StateReplacingActions.Contains(rows[0].Action) && rows[1].Action == rows[0].Action, true),
        };
    }

    /// <summary>Keys and actions of the ticket's queue up to the end of the run at its head: a trailing stop can queue
    /// hundreds of changes, and only one body is needed.</summary>
    private List<QueuedSignal> Peek(long login, long ticket)
    {
        var queue = new List<QueuedSignal>();
        using var connection = OpenForReading();
        using var peek = connection.CreateCommand();
        peek.CommandText = "SELECT id, idempotency_key, action, attempts, next_attempt_at_ms, detected_at_ms, created_at_ms FROM signals WHERE state = 'pending' AND login = $login AND ticket = $ticket ORDER BY id LIMIT $window";
        peek.Parameters.AddWithValue("$login", login);
        peek.Parameters.AddWithValue("$ticket", ticket);
        peek.Parameters.AddWithValue("$window", ConflationWindow);
        using var reader = peek.ExecuteReader();
        while (reader.Read())
        {
            queue.Add(new QueuedSignal(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
            if (queue.Count > 1 && !(StateReplacingActions.Contains(queue[0].Action) && queue[^1].Action == queue[0].Action))
            {
                break;
            }
        }

        return queue;
    }

    private static int RunEnd(List<QueuedSignal> queue)
    {
        var head = queue[0];
        var last = 0;
        while (StateReplacingActions.Contains(head.Action) && last + 1 < queue.Count && queue[last + 1].Action == head.Action)
        {
            last++;
        }

        return last;
    }

    private const string SupersedeSql = """
        UPDATE signals SET state = 'superseded', last_error = $note, completed_at_ms = $now, next_attempt_at_ms = NULL
        WHERE state = 'pending' AND login = $login AND ticket = $ticket AND id >= $first AND id < $survivor;
        UPDATE signals SET attempts = $attempts, next_attempt_at_ms = $next WHERE id = $survivor;
        """;

    /// <summary>Marks the run <paramref name="survivor"/> replaces superseded and gives it the run's attempts and retry
    /// time; part of the write of the survivor's outcome. The run is consecutive in the ticket's pending queue, and
    /// only this ticket's one worker changes its pending rows, so an id range names exactly the run.</summary>
    private void Retire(SqliteTransaction transaction, OutboxSignal survivor)
    {
        if (survivor.RetiresFromId is not { } first)
        {
            return;
        }

        // Prepared once on the outcome writer's connection: trailing retires a run with nearly every send.
        var supersede = _outcomes.Statement(SupersedeSql, transaction);
        supersede.Parameters.AddWithValue("$note", $"superseded by {survivor.IdempotencyKey}");
        supersede.Parameters.AddWithValue("$now", NowMs());
        supersede.Parameters.AddWithValue("$login", survivor.Login);
        supersede.Parameters.AddWithValue("$ticket", survivor.Ticket);
        supersede.Parameters.AddWithValue("$first", first);
        supersede.Parameters.AddWithValue("$survivor", survivor.Id);
        supersede.Parameters.AddWithValue("$attempts", survivor.Attempts);
        supersede.Parameters.AddWithValue("$next", (object?)survivor.NextAttemptAtMs ?? DBNull.Value);
        supersede.ExecuteNonQuery();
    }

    private List<OutboxSignal> ToBeSuperseded(long login, long ticket, List<QueuedSignal> queue, int last)
    {
        var survivor = queue[last];
        var now = NowMs();
        return queue.Take(last).Select(old => new OutboxSignal
        {
            Id = old.Id,
            IdempotencyKey = old.Key,
            Login = login,
            Ticket = ticket,
            Action = old.Action,
            Body = "",
            State = OutboxState.Superseded,
            DetectedAtMs = old.DetectedAtMs,
            CreatedAtMs = old.CreatedAtMs,
            Attempts = old.Attempts,
            LastError = $"superseded by {survivor.Key}",
            CompletedAtMs = now,
        }).ToList();
    }

    private OutboxSignal Fetch(long id)
    {
        using var connection = OpenForReading();
        using var fetch = connection.CreateCommand();
        fetch.CommandText = $"SELECT {Columns} FROM signals WHERE id = $id";
        fetch.Parameters.AddWithValue("$id", id);
        return Read(fetch).Single();
    }

    private sealed record QueuedSignal(long Id, string Key, string Action, int Attempts, long? NextAttemptAtMs, long DetectedAtMs, long CreatedAtMs);
}

/// <summary>What a ticket's worker sends next (null: nothing), and the changes it makes obsolete once its outcome is
/// written.</summary>
public sealed record NextSignal(OutboxSignal? Next, IReadOnlyList<OutboxSignal> Superseded)
{
    /// <summary>Whether other signals of the ticket were pending behind <see cref="Next"/> when it was read. False is
    /// only as of that read: a later commit wakes delivery for the ticket itself.</summary>
    public bool MoreQueued { get; init; }
}
