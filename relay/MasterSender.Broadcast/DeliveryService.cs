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
/// ticket goes as its newest (<see cref="SqliteOutbox.NextToSend"/>). It sleeps until <see cref="Notify"/> (the
/// pipeline calls it after <see cref="SqliteOutbox.Commit"/>) or until the earliest retry is due.
/// </summary>
public sealed partial class DeliveryService : BackgroundService
{
    private readonly SqliteOutbox outbox;
    private readonly SignalSender sender;
    private readonly SignalOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<DeliveryService> log;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<(long Login, long Ticket), Task> workers = new();
    private readonly SemaphoreSlim slots;

    public DeliveryService(SqliteOutbox outbox, SignalSender sender, IOptions<SignalOptions> options, TimeProvider time, ILogger<DeliveryService> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.outbox = outbox;
        this.sender = sender;
        this.options = options.Value;
        this.time = time;
        this.log = log;
        slots = new SemaphoreSlim(this.options.MaxParallelDeliveries, this.options.MaxParallelDeliveries);
    }

    /// <summary>Fires after each signal leaves the pending state (sent, rejected or expired): for the page and tests.</summary>
    public event Action<OutboxSignal, OutboxState>? Completed;

    /// <summary>Call after every successful <see cref="SqliteOutbox.Commit"/>: new signals are looked at at once.</summary>
    public void Notify() => wake.Writer.TryWrite(true);

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

    /// <summary>Starts a worker for each due ticket head without one; returns how long until the next retry is due.</summary>
    private TimeSpan? Dispatch(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long? earliest = null;
        foreach (var head in outbox.PendingHeads(limit: 10_000))
        {
            var key = (head.Login, head.Ticket);
            if (workers.ContainsKey(key))
            {
                continue;
            }

            if (head.NextAttemptAtMs > now)
            {
                earliest = Math.Min(earliest ?? long.MaxValue, head.NextAttemptAtMs.Value);
                continue;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (workers.TryAdd(key, started.Task))
            {
                _ = Task.Run(() => RunTicketAsync(key, started, stoppingToken), CancellationToken.None);
            }
        }

        return earliest is { } due ? TimeSpan.FromMilliseconds(Math.Max(0, due - now)) : null;
    }

    private async Task RunTicketAsync((long Login, long Ticket) key, TaskCompletionSource done, CancellationToken stoppingToken)
    {
        try
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                while (NextToSend(key) is { } head && !(head.NextAttemptAtMs > time.GetUtcNow().ToUnixTimeMilliseconds()))
                {
                    var state = await sender.DeliverAsync(head, stoppingToken).ConfigureAwait(false);
                    if (state == OutboxState.Pending)
                    {
                        break;
                    }

                    Completed?.Invoke(head, state);
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
        }
        finally
        {
            workers.TryRemove(key, out _);
            done.TrySetResult();
            Notify();
        }
    }

    private OutboxSignal? NextToSend((long Login, long Ticket) key)
    {
        var next = outbox.NextToSend(key.Login, key.Ticket, out var superseded);
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
            // The next retry is due.
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
