using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// Sends the outbox to the API: in order per ticket (only the oldest pending signal of a ticket is ever in flight),
/// in parallel across tickets, retrying with backoff for as long as it takes, and with a fresh signature on every
/// attempt. Wakes when the pipeline commits (<see cref="Wake"/>), when a send finishes, or when a retry falls due.
/// </summary>
public sealed class DeliveryService(
    SqliteOutbox outbox,
    ApiClient api,
    ApiSession session,
    IOptionsMonitor<SignalOptions> options,
    TimeProvider time,
    ILogger<DeliveryService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);

    private readonly HashSet<long> _inFlight = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires after every state change of a stored signal (the page listens).</summary>
    public event Action? Delivered;

    /// <summary>New signals are in the outbox (or something else changed): look now.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        session.Changed += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wake = Volatile.Read(ref _wake).Task;
                var nextDue = StartDueSends(stoppingToken);
                var wait = nextDue is { } due ? Clamp(due - time.GetUtcNow()) : IdleCheck;
                await Task.WhenAny(wake, Task.Delay(wait, time, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; signals in flight stay pending in the outbox and go out after the restart.
        }
        finally
        {
            session.Changed -= Wake;
        }
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleCheck ? IdleCheck : wait;

    /// <summary>Starts every due head of a ticket lane that is not already in flight; returns when the next one falls due.</summary>
    private DateTimeOffset? StartDueSends(CancellationToken stoppingToken)
    {
        var limit = options.CurrentValue.MaxParallelSends;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long? nextDue = null;
        var heads = outbox.PendingHeads(limit * 8);
        if (session.Token is null || session.Current is null)
        {
            // Nothing can go out before a login; say so on each waiting signal and sleep until the session changes.
            var reason = session.LastError ?? "Waiting for the relay to log in to the API.";
            foreach (var head in heads.Where(h => h.LastError != reason))
            {
                outbox.ScheduleRetry(head.Id, head.Attempts, reason, head.NextAttemptAtMs);
            }

            return null;
        }

        foreach (var head in heads)
        {
            lock (_gate)
            {
                if (_inFlight.Contains(head.Ticket))
                {
                    continue;
                }

                if (head.NextAttemptAtMs > now)
                {
                    nextDue = Math.Min(nextDue ?? long.MaxValue, head.NextAttemptAtMs);
                    continue;
                }

                if (_inFlight.Count >= limit)
                {
                    break;
                }

                _inFlight.Add(head.Ticket);
            }

            _ = DeliverAsync(head, stoppingToken);
        }

        return nextDue is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private async Task DeliverAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            await AttemptAsync(entry, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the signal stays pending.
        }
#pragma warning disable CA1031 // One signal's unexpected failure must not stop delivery of the others; it is retried.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogError(exception, "Delivering signal {Key} failed unexpectedly; it will be retried", entry.IdempotencyKey);
            outbox.ScheduleRetry(entry.Id, entry.Attempts + 1, exception.Message, Later(Backoff(entry.Attempts + 1)));
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(entry.Ticket);
            }

            Delivered?.Invoke();
            Wake();
        }
    }

    private async Task AttemptAsync(OutboxEntry listed, CancellationToken stoppingToken)
    {
        // The head list may be older than a send that just finished for this ticket: look again before sending twice.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (outbox.Get(listed.Id) is not { State: DeliveryState.Pending } entry || entry.NextAttemptAtMs > now)
        {
            return;
        }

        var allowed = session.Current;
        if (allowed is not null && allowed.Login != entry.Login)
        {
            outbox.MarkRejected(entry.Id, entry.Attempts, $"Account {entry.Login} is not the account the API allows ({allowed.Login}).");
            return;
        }

        if (SignalActionNames.TryParse(entry.Action, out var action) && action.CanExpire()
            && now - entry.CreatedAtMs > options.CurrentValue.MaxOpenAge.TotalMilliseconds)
        {
            var age = TimeSpan.FromMilliseconds(now - entry.CreatedAtMs);
            outbox.MarkExpired(entry.Id, $"Not sent: {age.TotalSeconds:0} s old, over Signals:MaxOpenAge ({options.CurrentValue.MaxOpenAge.TotalSeconds:0} s)");
            logger.LogWarning("Signal {Action} {Ticket} expired unsent after {AgeSeconds:0} s", entry.Action, entry.Ticket, age.TotalSeconds);
            return;
        }

        if (session.Token is not { } token || allowed is null)
        {
            // Logged out while this send was being started; it waits for the next login (Changed wakes delivery).
            outbox.ScheduleRetry(entry.Id, entry.Attempts, session.LastError ?? "Waiting for the relay to log in to the API.", entry.NextAttemptAtMs);
            return;
        }

        var attempts = entry.Attempts + 1;
        var result = await api.BroadcastAsync(entry.Body, token, stoppingToken);
        if (result.Outcome == AttemptOutcome.Unauthorized && await session.ReloginAsync(stoppingToken, token) && session.Token is { } fresh)
        {
            attempts++;
            result = await api.BroadcastAsync(entry.Body, fresh, stoppingToken);
        }

        switch (result.Outcome)
        {
            case AttemptOutcome.Sent:
                var sentAt = time.GetUtcNow().ToUnixTimeMilliseconds();
                outbox.MarkSent(entry.Id, attempts, sentAt);
                logger.LogInformation("Signal {Action} {Ticket} sent in {LatencyMs} ms ({Attempts} attempt(s))", entry.Action, entry.Ticket, sentAt - entry.CreatedAtMs, attempts);
                break;
            case AttemptOutcome.Rejected:
                outbox.MarkRejected(entry.Id, attempts, result.Message);
                logger.LogWarning("Signal {Action} {Ticket} rejected by the API: {Reason}", entry.Action, entry.Ticket, result.Message);
                break;
            default:
                var delay = result.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero ? retryAfter : Backoff(attempts);
                outbox.ScheduleRetry(entry.Id, attempts, result.Message, Later(delay));
                if (attempts == 1 || attempts % 10 == 0)
                {
                    logger.LogWarning("Signal {Action} {Ticket} not delivered yet ({Reason}); retrying in {DelayMs} ms", entry.Action, entry.Ticket, result.Message, (long)delay.TotalMilliseconds);
                }

                break;
        }
    }

    private long Later(TimeSpan delay) => (time.GetUtcNow() + delay).ToUnixTimeMilliseconds();

    /// <summary>0.5 s doubling to 30 s, with ±20 % jitter so many tickets do not retry in lockstep.</summary>
    private static TimeSpan Backoff(int attempts)
    {
        var baseMs = Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Max(0, attempts - 1)));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(baseMs * (0.8 + (Random.Shared.NextDouble() * 0.4)));
#pragma warning restore CA5394
    }
}
