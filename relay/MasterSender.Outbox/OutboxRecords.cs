namespace MasterSender.Outbox;

/// <summary>Where a signal is in its life. Pending ones are retried until sent, rejected or expired.</summary>
public enum DeliveryState
{
    Pending,
    Sent,
    Rejected,
    Expired,
}

/// <summary>One stored signal, as delivery and the page see it.</summary>
public sealed record OutboxEntry
{
    public required long Id { get; init; }
    public required string IdempotencyKey { get; init; }
    public required long Login { get; init; }
    public required long Ticket { get; init; }
    public required string Action { get; init; }
    public required string Symbol { get; init; }
    public required string Type { get; init; }
    public required double Volume { get; init; }
    public required double Price { get; init; }

    /// <summary>The canonical JSON body, byte-identical on every attempt.</summary>
    public required string Body { get; init; }
    public required DeliveryState State { get; init; }
    public required int Attempts { get; init; }
    public string? LastError { get; init; }
    public required long CreatedAtMs { get; init; }
    public required long NextAttemptAtMs { get; init; }
    public long? SentAtMs { get; init; }
}

public sealed record OutboxCounts(long Pending, long Retrying, long Sent, long Rejected, long Expired);
