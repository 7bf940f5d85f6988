using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// One delivery attempt of one stored signal and what it leads to (docs/api-contract.md, "What the relay does with
/// each answer"). Returns the signal's state afterwards; Pending comes with when to try again.
/// </summary>
public sealed partial class SignalSender(SqliteOutbox outbox, ApiSession session, ApiClient api, ApiHealth health, IOptions<SignalOptions> options, TimeProvider time, ILogger<SignalSender> log)
{
    private readonly SignalOptions _settings = options.Value;

    public async Task<DeliveryOutcome> DeliverAsync(OutboxSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (Expired(signal) is { } age)
        {
            var reason = $"not sent: {age.TotalSeconds:0.#} s old when it could be sent, over Signals:MaxOpenAge ({_settings.MaxOpenAge.TotalSeconds:0.#} s)";
            await outbox.MarkExpiredAsync(signal, reason).ConfigureAwait(false);
            LogExpired(signal.Action, signal.Ticket, signal.IdempotencyKey, (long)age.TotalMilliseconds);
            return new(OutboxState.Expired);
        }

        var attempts = signal.Attempts + 1;
        var allowed = session.Current;
        if (allowed is not null && allowed.Login != signal.Login)
        {
            var refusal = $"account {signal.Login} is not the account allowed for this user ({allowed.Login})";
            await outbox.MarkRejectedAsync(signal, signal.Attempts, refusal).ConfigureAwait(false);
            LogRejected(signal.Action, signal.Ticket, signal.IdempotencyKey, refusal);
            return new(OutboxState.Rejected);
        }

        // Held back by the open circuit: not an attempt. Nothing is written; the signal goes when the API answers again.
        var admission = health.Admit();
        if (!admission.Go)
        {
            return new(OutboxState.Pending, admission.RetryAtMs, HeldBack: true);
        }

        var token = await session.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return await RetryLaterAsync(signal, attempts, $"not logged in: {session.LastError}").ConfigureAwait(false);
        }

        var outcome = await api.BroadcastAsync(signal.Body, token, cancellationToken).ConfigureAwait(false);
        if (outcome.Result == BroadcastResult.Unauthorized && await session.RenewTokenAsync(token, outcome.Message, cancellationToken).ConfigureAwait(false) is { } renewed)
        {
            outcome = await api.BroadcastAsync(signal.Body, renewed, cancellationToken).ConfigureAwait(false);
        }

        switch (outcome.Result)
        {
            case BroadcastResult.Sent or BroadcastResult.Duplicate:
                session.TokenAccepted();
                var latency = time.GetUtcNow().ToUnixTimeMilliseconds() - signal.CreatedAtMs;
                await outbox.MarkSentAsync(signal, attempts, latency, outcome.Result == BroadcastResult.Duplicate ? "the API already had it (409 duplicate)" : null).ConfigureAwait(false);
                LogSent(signal.Action, signal.Ticket, signal.IdempotencyKey, latency, attempts);
                return new(OutboxState.Sent);
            case BroadcastResult.Rejected:
                await outbox.MarkRejectedAsync(signal, attempts, outcome.Message).ConfigureAwait(false);
                LogRejected(signal.Action, signal.Ticket, signal.IdempotencyKey, outcome.Message);
                return new(OutboxState.Rejected);
            default:
                return await RetryLaterAsync(signal, attempts, outcome.Message).ConfigureAwait(false);
        }
    }

    private TimeSpan? Expired(OutboxSignal signal)
    {
        if (!SignalActionNames.TryParse(signal.Action, out var action) || !action.CanExpire())
        {
            return null;
        }

        var age = TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - signal.DetectedAtMs);
        return age > _settings.MaxOpenAge ? age : null;
    }

    private async Task<DeliveryOutcome> RetryLaterAsync(OutboxSignal signal, int attempts, string error)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var delay = Backoff(attempts);
        var next = now + (long)delay.TotalMilliseconds;
        if (LastChanceMs(signal) is { } lastChance && next > lastChance)
        {
            // An OPEN's backoff must not outlast its life: it gets a last try a second before it would expire.
            next = Math.Max(now, lastChance);
            delay = TimeSpan.FromMilliseconds(next - now);
        }

        await outbox.RecordFailureAsync(signal, attempts, error, next).ConfigureAwait(false);
        LogWillRetry(signal.Action, signal.Ticket, signal.IdempotencyKey, attempts, error, (long)delay.TotalMilliseconds);
        return new(OutboxState.Pending, next);
    }

    private long? LastChanceMs(OutboxSignal signal) =>
        SignalActionNames.TryParse(signal.Action, out var action) && action.CanExpire()
            ? signal.DetectedAtMs + (long)_settings.MaxOpenAge.TotalMilliseconds - 1_000
            : null;

    /// <summary>1 s, 2 s, 4 s … capped at Signals:MaxRetryDelay, with ±20 % jitter so many tickets do not retry in step.</summary>
    private TimeSpan Backoff(int attempts)
    {
#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        var seconds = Math.Min(_settings.MaxRetryDelay.TotalSeconds, Math.Pow(2, Math.Min(attempts - 1, 16)));
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal {Action} {Ticket} {IdempotencyKey} sent in {LatencyMs} ms after {Attempts} attempt(s)")]
    private partial void LogSent(string action, long ticket, string idempotencyKey, long latencyMs, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signal {Action} {Ticket} {IdempotencyKey} rejected: {Reason}")]
    private partial void LogRejected(string action, long ticket, string idempotencyKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signal {Action} {Ticket} {IdempotencyKey} expired unsent, {AgeMs} ms old")]
    private partial void LogExpired(string action, long ticket, string idempotencyKey, long ageMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signal {Action} {Ticket} {IdempotencyKey} attempt {Attempts} failed: {Error}; next in {DelayMs} ms")]
    private partial void LogWillRetry(string action, long ticket, string idempotencyKey, int attempts, string error, long delayMs);
}

/// <summary>A signal's state after one delivery attempt; for Pending, when it may be tried again (Unix ms).
/// <paramref name="HeldBack"/>: the circuit was open, so no attempt was made and nothing about the signal changed.</summary>
public readonly record struct DeliveryOutcome(OutboxState State, long? NextAttemptAtMs = null, bool HeldBack = false);
