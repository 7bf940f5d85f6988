namespace MasterSender.Broadcast;

/// <summary>One ticket's queue in the outbox: its signals go strictly in order, one at a time.</summary>
internal readonly record struct TicketKey(long Login, long Ticket);

/// <summary>What one worker's turn on a ticket came to; the dispatcher decides from it what the ticket needs next.</summary>
internal enum TurnResult
{
    /// <summary>One signal left the pending state (sent, rejected, expired) and more were queued behind it.</summary>
    Completed,

    /// <summary>One signal left the pending state and none was queued behind it when the worker read the queue: the
    /// ticket is done until a commit touches it again (one committed meanwhile is caught as for <see cref="Empty"/>).</summary>
    CompletedLast,

    /// <summary>Nothing pending on the ticket when the worker looked.</summary>
    Empty,

    /// <summary>The head waits for its retry time (<see cref="DeliveryEvent.TurnEnded.RetryAtMs"/>).</summary>
    Waiting,

    /// <summary>The circuit opened meanwhile: the signal is untouched and goes when the API answers again.</summary>
    HeldBack,

    /// <summary>An unexpected error (logged): the ticket is looked at again after Signals:MaxRetryDelay.</summary>
    Failed,

    /// <summary>The host is stopping: the signal stays pending and goes after the restart.</summary>
    Stopped,
}

/// <summary>Everything that can change what the dispatcher should start; the one way into its state.</summary>
internal abstract record DeliveryEvent
{
    /// <summary>A commit made these tickets' signals durable.</summary>
    public sealed record Committed(long Login, IReadOnlyList<long> Tickets) : DeliveryEvent;

    /// <summary>Look at the whole outbox; <paramref name="IgnoreBackoff"/> when the API answers again after an outage.</summary>
    public sealed record ScanAll(bool IgnoreBackoff) : DeliveryEvent;

    /// <summary>A worker ended its turn on <paramref name="Key"/>; for <see cref="TurnResult.Waiting"/>, when the head may go.</summary>
    public sealed record TurnEnded(TicketKey Key, TurnResult Result, long RetryAtMs = 0) : DeliveryEvent;

    /// <summary>The API's circuit changed state: the plan may differ (probe due, circuit closed).</summary>
    public sealed record HealthChanged : DeliveryEvent;

    /// <summary>The dispatcher's timer: a retry or the next probe is due.</summary>
    public sealed record TimerDue : DeliveryEvent;
}
