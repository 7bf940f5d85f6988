namespace MasterSender.Outbox;

/// <summary>Where a signal is in its life. Rejected is the page's "failed": the API refused it and it is never retried.</summary>
public enum OutboxState
{
    Pending,
    Sent,
    Rejected,
    Expired,

    /// <summary>Not sent: a newer state of the same kind (MODIFY, ORDER_MODIFIED) for the ticket was queued behind it.
    /// Only rows from before version 3 of the outbox: since then the newer change takes over the queued row instead
    /// (<see cref="OutboxCounts.Replaced"/>).</summary>
    Superseded,
}

/// <summary>One stored signal: the canonical body exactly as it will be signed and sent, and its delivery history.</summary>
public sealed record OutboxSignal
{
    public required long Id { get; init; }
    public required string IdempotencyKey { get; init; }
    public required long Login { get; init; }
    public required long Ticket { get; init; }
    public required string Action { get; init; }
    public required string Body { get; init; }
    public required OutboxState State { get; init; }
    public required long DetectedAtMs { get; init; }
    public required long CreatedAtMs { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public long? NextAttemptAtMs { get; init; }
    public long? CompletedAtMs { get; init; }

    /// <summary>Commit to API acknowledgement, ms; null until sent.</summary>
    public long? LatencyMs { get; init; }

    /// <summary>Not stored: set on the newest of a run of conflated changes (<see cref="SqliteOutbox.NextToSendAsync"/>),
    /// the first id of the run it replaces. The write of this signal's outcome marks the run's older rows superseded
    /// in the same transaction, so a send costs one outcome write, not two.</summary>
    public long? RetiresFromId { get; init; }
}

/// <summary>How many signals are in each state, for the page. <see cref="Replaced"/>: queued SL/TP changes a newer one
/// took the row of before they were sent (never a row of their own); with <see cref="Superseded"/>, the changes not sent
/// because a newer state of the same ticket went instead.</summary>
public sealed record OutboxCounts(long Pending, long Sent, long Rejected, long Expired, long Superseded = 0)
{
    public long Replaced { get; init; }
}
