using System.Collections.Concurrent;
using System.Threading.Channels;
using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// Sends what the outbox holds: one worker per ticket with pending signals (strictly in order within the ticket),
/// up to <see cref="SignalOptions.MaxParallelDeliveries"/> tickets at once; a run of queued SL/TP changes of one
/// ticket goes as its newest (<see cref="SqliteOutbox.NextToSendAsync"/>). It sleeps until <see cref="Notify"/> (the
/// pipeline calls it after <see cref="SqliteOutbox.Commit"/>) or until the earliest retry is due. While the API's
/// circuit is open (<see cref="ApiHealth"/>) it starts nothing but one probe per break; when the API answers again it
/// tries every waiting signal at once, whatever its own backoff.
/// </summary>
public sealed partial class DeliveryService : BackgroundService
{
    private static readonly TimeSpan ProbeRecheck = TimeSpan.FromMilliseconds(100);
    private readonly SqliteOutbox outbox;
    private readonly SignalSender sender;
    private readonly ApiHealth health;
    private readonly SignalOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<DeliveryService> log;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<(long Login, long Ticket), Task> workers = new();
    private readonly ConcurrentDictionary<(long Login, long Ticket), byte> dirty = new();
    private readonly SemaphoreSlim slots;
    private int scanAll = 1;
    private int resumeAll;
    private long earliestRetryMs = long.MaxValue;

    public DeliveryService(SqliteOutbox outbox, SignalSender sender, ApiHealth health, IOptions<SignalOptions> options, TimeProvider time, ILogger<DeliveryService> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(health);
        this.outbox = outbox;
        this.sender = sender;
        this.health = health;
        health.Recovered += ResumeAll;
        health.Changed += () => wake.Writer.TryWrite(true);
        this.options = options.Value;
        this.time = time;
        this.log = log;
        slots = new SemaphoreSlim(this.options.MaxParallelDeliveries, this.options.MaxParallelDeliveries);
    }

    /// <summary>Fires after each signal leaves the pending state (sent, rejected, expired or superseded): for the page and tests.</summary>
    public event Action<OutboxSignal, OutboxState>? Completed;

    /// <summary>
    /// Looks at the whole outbox at once: after start, a login, or anything else that may make any ticket sendable.
    /// A scan costs in proportion to the pending signals, so the commit path uses the per-ticket overload.
    /// </summary>
    public void Notify()
    {
        Volatile.Write(ref scanAll, 1);
        wake.Writer.TryWrite(true);
    }

    /// <summary>The API answers again: every pending signal may go now, including those whose backoff has not run out.</summary>
    public void ResumeAll()
    {
        Volatile.Write(ref resumeAll, 1);
        Notify();
    }

    /// <summary>Call after every successful <see cref="SqliteOutbox.Commit"/> with the tickets it touched: only those are looked at.</summary>
    public void Notify(long login, IEnumerable<long> tickets)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        foreach (var ticket in tickets)
        {
            dirty[(login, ticket)] = 0;
        }

        wake.Writer.TryWrite(true);
    }

    public override void Dispose()
    {
        slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(outbox.DatabasePath, options.MaxParallelDeliveries);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? nextDue;
            try
            {
                nextDue = Dispatch(stoppingToken);
            }
#pragma warning disable CA1031 // The loop must survive a failing query (disk full, locked file); it logs and tries again.
            catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogDispatchFailed(failure);
                nextDue = options.MaxRetryDelay;
            }

            await WaitAsync(nextDue, stoppingToken).ConfigureAwait(false);
        }

        await Task.WhenAll(workers.Values).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a worker for each ticket that may have something to send and has none: every pending ticket on a full
    /// scan, else the tickets new commits touched. Returns how long until the earliest retry is due.
    /// </summary>
    private TimeSpan? Dispatch(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (health.WaitingUntilMs() is { } probeAtMs)
        {
            // Circuit open: nothing goes until the probe is due; marked tickets stay marked for then.
            return TimeSpan.FromMilliseconds(Math.Max(0, probeAtMs - now));
        }

        if (health.State == ApiState.CircuitOpen)
        {
            return StartProbe(stoppingToken);
        }

        var resume = Interlocked.Exchange(ref resumeAll, 0) == 1;
        if (Interlocked.Exchange(ref scanAll, 0) == 1 || resume)
        {
            Interlocked.Exchange(ref earliestRetryMs, long.MaxValue);
            foreach (var head in outbox.PendingHeads(limit: 10_000))
            {
                var key = (head.Login, head.Ticket);
                if (head.NextAttemptAtMs > now && !resume)
                {
                    RetryAt(head.NextAttemptAtMs.Value);
                }
                else if (!workers.ContainsKey(key))
                {
                    Start(key, ignoreBackoff: resume, stoppingToken);
                }
            }
        }

        foreach (var key in dirty.Keys)
        {
            // A ticket with a worker stays marked: the worker clears the mark before each look at its queue, and
            // wakes this loop on leaving if the mark came back after its last look.
            if (!workers.ContainsKey(key))
            {
                Start(key, ignoreBackoff: false, stoppingToken);
            }
        }

        var due = Interlocked.Read(ref earliestRetryMs);
        return due == long.MaxValue ? null : TimeSpan.FromMilliseconds(Math.Max(0, due - now));
    }

    /// <summary>The break is over: the oldest waiting signal goes as the probe, whatever its own backoff. Its answer
    /// either closes the circuit (<see cref="ResumeAll"/>) or opens it for another break (<see cref="ApiHealth.Changed"/>
    /// wakes this loop). Looks again shortly, in case that signal needed no call (it expired); with nothing pending,
    /// the next commit wakes this loop.</summary>
    private TimeSpan? StartProbe(CancellationToken stoppingToken)
    {
        // Next time the circuit closes, everything that waited is looked at, not only what was marked.
        Volatile.Write(ref scanAll, 1);
        if (outbox.PendingHeads(limit: 1) is not [var head])
        {
            return null;
        }

        if (!workers.ContainsKey((head.Login, head.Ticket)))
        {
            Start((head.Login, head.Ticket), ignoreBackoff: true, stoppingToken);
        }

        return ProbeRecheck;
    }

    private void Start((long Login, long Ticket) key, bool ignoreBackoff, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (workers.TryAdd(key, started.Task))
        {
            // Run inline up to the worker's first wait (the HTTP answer): one thread hop less per signal.
            _ = RunTicketAsync(key, started, ignoreBackoff, stoppingToken);
        }
    }

    /// <summary>Remembers the earliest time a waiting signal may be tried again; then the whole outbox is scanned.</summary>
    private void RetryAt(long dueMs)
    {
        var current = Interlocked.Read(ref earliestRetryMs);
        while (dueMs < current)
        {
            var seen = Interlocked.CompareExchange(ref earliestRetryMs, dueMs, current);
            if (seen == current)
            {
                wake.Writer.TryWrite(true);
                return;
            }

            current = seen;
        }
    }

    private async Task RunTicketAsync((long Login, long Ticket) key, TaskCompletionSource done, bool ignoreBackoff, CancellationToken stoppingToken)
    {
        try
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    dirty.TryRemove(key, out _);
                    if (await NextToSendAsync(key, stoppingToken).ConfigureAwait(false) is not { } head)
                    {
                        break;
                    }

                    if (head.NextAttemptAtMs > time.GetUtcNow().ToUnixTimeMilliseconds() && !ignoreBackoff)
                    {
                        RetryAt(head.NextAttemptAtMs.Value);
                        break;
                    }

                    ignoreBackoff = false;
                    var outcome = await sender.DeliverAsync(head, stoppingToken).ConfigureAwait(false);
                    if (outcome.HeldBack)
                    {
                        // The circuit opened meanwhile: the signal is untouched and goes when the API answers again.
                        break;
                    }

                    if (outcome.State == OutboxState.Pending)
                    {
                        RetryAt(outcome.NextAttemptAtMs ?? time.GetUtcNow().ToUnixTimeMilliseconds());
                        break;
                    }

                    Completed?.Invoke(head, outcome.State);
                }
            }
            finally
            {
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the signal stays pending in the outbox and goes after the restart.
        }
#pragma warning disable CA1031 // One ticket's failure must not stop the others; it is logged and retried later.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogTicketFailed(failure, key.Ticket);
            RetryAt(time.GetUtcNow().Add(options.MaxRetryDelay).ToUnixTimeMilliseconds());
        }
        finally
        {
            workers.TryRemove(key, out _);
            done.TrySetResult();
            if (dirty.ContainsKey(key))
            {
                wake.Writer.TryWrite(true);
            }
        }
    }

    private async Task<OutboxSignal?> NextToSendAsync((long Login, long Ticket) key, CancellationToken stoppingToken)
    {
        var (next, superseded) = await outbox.NextToSendAsync(key.Login, key.Ticket, stoppingToken).ConfigureAwait(false);
        foreach (var old in superseded)
        {
            LogSuperseded(old.Action, old.Ticket, old.IdempotencyKey, next!.IdempotencyKey);
            Completed?.Invoke(old, OutboxState.Superseded);
        }

        return next;
    }

    private async Task WaitAsync(TimeSpan? nextDue, CancellationToken stoppingToken)
    {
        // The retry timer runs on the TimeProvider, so tests move it with FakeTimeProvider instead of waiting.
        using var due = nextDue is { } delay ? new CancellationTokenSource(delay, time) : new CancellationTokenSource();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, due.Token);

        try
        {
            await wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // A retry is due: find every signal whose time has come.
            Volatile.Write(ref scanAll, 1);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering from {OutboxPath} with up to {Parallel} tickets at once")]
    private partial void LogStarted(string outboxPath, int parallel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Signal {Action} {Ticket} {IdempotencyKey} superseded by {NewerKey} before it could be sent")]
    private partial void LogSuperseded(string action, long ticket, string idempotencyKey, string newerKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the outbox failed; trying again shortly")]
    private partial void LogDispatchFailed(Exception failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering ticket {Ticket} failed unexpectedly; it stays pending")]
    private partial void LogTicketFailed(Exception failure, long ticket);
}
