using System.Threading.Channels;
using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// Sends what the outbox holds. One dispatcher loop (<see cref="ExecuteAsync"/>) owns every piece of delivery state
/// as plain fields: the running workers, the tickets waiting for one, the tickets to look at again, and the next
/// retry time. Everything else reaches it through one channel of <see cref="DeliveryEvent"/>s: commits
/// (<see cref="Notify(long, IEnumerable{long})"/>), full scans (<see cref="Notify()"/>, <see cref="ResumeAll"/>), the
/// circuit's changes, its own timer, and each worker's end of turn. A worker sends one signal of one ticket (a run of
/// queued SL/TP changes goes as its newest, <see cref="SqliteOutbox.NextToSendAsync"/>), posts how that went and
/// touches nothing shared; at most one worker per ticket keeps each ticket in order, and at most
/// <see cref="SignalOptions.MaxParallelDeliveries"/> at once bound the API calls in flight. A ticket with more to send
/// goes to the back of the line after each signal, so a busy ticket (a trailing stop) never starves the others and
/// its waiting changes conflate meanwhile. While the API's circuit is open (<see cref="ApiHealth"/>) it starts nothing
/// but one probe per break; when the API answers again it tries every waiting signal at once, whatever its backoff.
/// </summary>
public sealed partial class DeliveryService : BackgroundService
{
    private static readonly TimeSpan ProbeRecheck = TimeSpan.FromMilliseconds(100);
    private readonly SqliteOutbox _outbox;
    private readonly SignalSender _sender;
    private readonly ApiHealth _health;
    private readonly SignalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryService> _log;
    private readonly Channel<DeliveryEvent> _events = Channel.CreateUnbounded<DeliveryEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITimer _timer;

    // Owned by the dispatcher loop alone (ExecuteAsync and what it calls); never touched by a worker or a caller.
    private readonly Dictionary<TicketKey, Task> _running = [];
    private readonly Queue<TicketKey> _ready = new();
    private readonly Dictionary<TicketKey, bool> _readyIgnoringBackoff = [];
    private readonly HashSet<TicketKey> _lookAgain = [];
    private bool _scanAll = true;
    private bool _resumeAll;
    private long _nextRetryMs = long.MaxValue;
    private long _timerDueMs = long.MaxValue;

    public DeliveryService(SqliteOutbox outbox, SignalSender sender, ApiHealth health, IOptions<SignalOptions> options, TimeProvider time, ILogger<DeliveryService> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(time);
        _outbox = outbox;
        _sender = sender;
        _health = health;
        _options = options.Value;
        _time = time;
        _log = log;
        // On the TimeProvider, so tests move it with FakeTimeProvider instead of waiting.
        _timer = time.CreateTimer(_ => Post(new DeliveryEvent.TimerDue()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        health.Recovered += ResumeAll;
        health.Changed += () => Post(new DeliveryEvent.HealthChanged());
    }

    /// <summary>Fires after each signal leaves the pending state (sent, rejected, expired or superseded): for the page and tests.</summary>
    public event Action<OutboxSignal, OutboxState>? Completed;

    /// <summary>
    /// Looks at the whole outbox at once: after start, a login, or anything else that may make any ticket sendable.
    /// A scan costs in proportion to the pending signals, so the commit path uses the per-ticket overload.
    /// </summary>
    public void Notify() => Post(new DeliveryEvent.ScanAll(IgnoreBackoff: false));

    /// <summary>The API answers again: every pending signal may go now, including those whose backoff has not run out.</summary>
    public void ResumeAll() => Post(new DeliveryEvent.ScanAll(IgnoreBackoff: true));

    /// <summary>Call after every successful <see cref="SqliteOutbox.Commit"/> with the tickets it touched: only those are looked at.</summary>
    public void Notify(long login, IEnumerable<long> tickets)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        Post(new DeliveryEvent.Committed(login, tickets.ToList()));
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_outbox.DatabasePath, _options.MaxParallelDeliveries);
        try
        {
            do
            {
                Step(stoppingToken);
            }
            while (await _events.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the workers see the same token.
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    private void Post(DeliveryEvent happened) => _events.Writer.TryWrite(happened);

    /// <summary>Takes one event into the dispatcher's state; starts nothing (<see cref="Plan"/> does).</summary>
    private void Apply(DeliveryEvent happened)
    {
        switch (happened)
        {
            case DeliveryEvent.Committed committed:
                foreach (var ticket in committed.Tickets)
                {
                    MakeReady(new TicketKey(committed.Login, ticket), ignoreBackoff: false);
                }

                break;
            case DeliveryEvent.ScanAll scan:
                _scanAll = true;
                _resumeAll |= scan.IgnoreBackoff;
                break;
            case DeliveryEvent.TurnEnded ended:
                EndTurn(ended);
                break;
            case DeliveryEvent.TimerDue:
                // A retry or the probe is due: find every signal whose time has come.
                _timerDueMs = long.MaxValue;
                _scanAll = true;
                break;
            default:
                // HealthChanged: nothing to record; the next plan asks ApiHealth.
                break;
        }
    }

    private void EndTurn(DeliveryEvent.TurnEnded ended)
    {
        _running.Remove(ended.Key);
        var committedMeanwhile = _lookAgain.Remove(ended.Key);
        switch (ended.Result)
        {
            case TurnResult.Completed:
                MakeReady(ended.Key, ignoreBackoff: false);
                break;
            case TurnResult.Empty or TurnResult.CompletedLast when committedMeanwhile:
                // Something was committed after the worker's last look at the queue.
                MakeReady(ended.Key, ignoreBackoff: false);
                break;
            case TurnResult.Waiting:
                RetryAt(ended.RetryAtMs);
                break;
            case TurnResult.Failed:
                RetryAt(_time.GetUtcNow().Add(_options.MaxRetryDelay).ToUnixTimeMilliseconds());
                break;
            default:
                // Empty, CompletedLast: done until the next commit. HeldBack: the scan when the circuit closes finds it.
                break;
        }
    }

    /// <summary>Queues the ticket for a worker, or, while one runs on it, remembers to look once more after.</summary>
    private void MakeReady(TicketKey key, bool ignoreBackoff)
    {
        if (_running.ContainsKey(key))
        {
            _lookAgain.Add(key);
        }
        else if (_readyIgnoringBackoff.TryGetValue(key, out var already))
        {
            _readyIgnoringBackoff[key] = already || ignoreBackoff;
        }
        else
        {
            _readyIgnoringBackoff[key] = ignoreBackoff;
            _ready.Enqueue(key);
        }
    }

    /// <summary>Remembers the earliest time a waiting signal may be tried again; then the whole outbox is scanned.</summary>
    private void RetryAt(long dueMs) => _nextRetryMs = Math.Min(_nextRetryMs, dueMs);

    /// <summary>Takes in everything that queued up meanwhile, so a burst of commits and ends of turn costs one plan,
    /// then plans. Whatever fails is logged and tried again: the loop must outlive a failing query (disk full,
    /// locked file) or a bug in one event's handling.</summary>
    private void Step(CancellationToken stoppingToken)
    {
        try
        {
            while (_events.Reader.TryRead(out var next))
            {
                Apply(next);
            }

            Plan(stoppingToken);
        }
#pragma warning disable CA1031 // See above: delivery goes on after logging.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogDispatchFailed(failure, _options.MaxRetryDelay);
            _scanAll = true;
            Arm(_time.GetUtcNow().Add(_options.MaxRetryDelay).ToUnixTimeMilliseconds());
        }
    }

    /// <summary>
    /// Starts workers on ready tickets up to the limit: every pending ticket after a full scan, else those that
    /// commits touched or that have more to send; then sets the timer for the earliest retry.
    /// </summary>
    private void Plan(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_health.WaitingUntilMs() is { } probeAtMs)
        {
            // Circuit open: nothing goes until the probe is due; ready tickets stay ready for then.
            Arm(probeAtMs);
            return;
        }

        if (_health.State == ApiState.CircuitOpen)
        {
            StartProbe(now, stoppingToken);
            return;
        }

        if (_scanAll || _resumeAll)
        {
            Scan(now);
        }

        while (_running.Count < _options.MaxParallelDeliveries && _ready.TryDequeue(out var key))
        {
            _readyIgnoringBackoff.Remove(key, out var ignoreBackoff);
            Start(key, ignoreBackoff, stoppingToken);
        }

        Arm(_nextRetryMs);
    }

    private void Scan(long now)
    {
        var resume = _resumeAll;
        _scanAll = false;
        _resumeAll = false;
        _nextRetryMs = long.MaxValue;
        foreach (var head in _outbox.PendingHeads(limit: 10_000))
        {
            if (head.NextAttemptAtMs > now && !resume)
            {
                RetryAt(head.NextAttemptAtMs.Value);
            }
            else
            {
                MakeReady(new TicketKey(head.Login, head.Ticket), ignoreBackoff: resume);
            }
        }
    }

    /// <summary>The break is over: the oldest waiting signal goes as the probe, whatever its own backoff. Its answer
    /// either closes the circuit (<see cref="ResumeAll"/>) or opens it for another break (<see cref="ApiHealth.Changed"/>).
    /// Looks again shortly, in case that signal needed no call (it expired); with nothing pending, the next commit
    /// wakes this loop.</summary>
    private void StartProbe(long now, CancellationToken stoppingToken)
    {
        // Next time the circuit closes, everything that waited is looked at, not only what was ready.
        _scanAll = true;
        if (_outbox.PendingHeads(limit: 1) is not [var head])
        {
            return;
        }

        var key = new TicketKey(head.Login, head.Ticket);
        if (!_running.ContainsKey(key))
        {
            Start(key, ignoreBackoff: true, stoppingToken);
        }

        Arm(now + (long)ProbeRecheck.TotalMilliseconds);
    }

    /// <summary>Sets the dispatcher's one timer to <paramref name="dueMs"/> (or stops it), unless it is set so already.</summary>
    private void Arm(long dueMs)
    {
        if (dueMs == _timerDueMs)
        {
            return;
        }

        _timerDueMs = dueMs;
        var delay = dueMs == long.MaxValue
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromMilliseconds(Math.Max(0, dueMs - _time.GetUtcNow().ToUnixTimeMilliseconds()));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Start(TicketKey key, bool ignoreBackoff, CancellationToken stoppingToken)
    {
        // On the thread pool, not inline: the turn's first steps (SQLite reads, signing, the request) would otherwise
        // run one turn after another on this loop's thread, which then serialises every worker. The worker reports
        // its end through the channel, which only this loop reads, so the entry is here before the report is read.
        _running[key] = Task.Run(() => RunTurnAsync(key, ignoreBackoff, stoppingToken), CancellationToken.None);
    }

    /// <summary>One worker's turn: sends the ticket's next signal (or finds it must wait) and posts how that went.
    /// Never throws: whatever fails is logged and reported, and the dispatcher goes on.</summary>
    private async Task RunTurnAsync(TicketKey key, bool ignoreBackoff, CancellationToken stoppingToken)
    {
        var ended = new DeliveryEvent.TurnEnded(key, TurnResult.Failed);
        try
        {
            ended = await TurnAsync(key, ignoreBackoff, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            ended = ended with { Result = TurnResult.Stopped };
        }
#pragma warning disable CA1031 // One ticket's failure must not stop the others; it is logged and retried later.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogTicketFailed(failure, key.Ticket);
        }

        Post(ended);
    }

    private async Task<DeliveryEvent.TurnEnded> TurnAsync(TicketKey key, bool ignoreBackoff, CancellationToken stoppingToken)
    {
        var found = await _outbox.NextToSendAsync(key.Login, key.Ticket, stoppingToken).ConfigureAwait(false);
        if (found.Next is not { } next)
        {
            return new(key, TurnResult.Empty);
        }

        if (next.NextAttemptAtMs > _time.GetUtcNow().ToUnixTimeMilliseconds() && !ignoreBackoff)
        {
            return new(key, TurnResult.Waiting, next.NextAttemptAtMs.Value);
        }

        var outcome = await _sender.DeliverAsync(next, stoppingToken).ConfigureAwait(false);
        if (outcome.HeldBack)
        {
            return new(key, TurnResult.HeldBack);
        }

        // Every other outcome was written, and with it the run this signal replaced: now it is superseded.
        foreach (var old in found.Superseded)
        {
            LogSuperseded(old.Action, old.Ticket, old.IdempotencyKey, next.IdempotencyKey);
            Announce(old, OutboxState.Superseded);
        }

        if (outcome.State == OutboxState.Pending)
        {
            return new(key, TurnResult.Waiting, outcome.NextAttemptAtMs ?? _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        Announce(next, outcome.State);
        // A lone signal ends here: no second turn only to read an empty queue (a wake-up, a query and a hop each).
        return new(key, found.MoreQueued ? TurnResult.Completed : TurnResult.CompletedLast);
    }

    /// <summary>Tells <see cref="Completed"/>'s subscribers; one that throws is logged and delivery goes on, since the
    /// signal's new state is already stored.</summary>
    private void Announce(OutboxSignal signal, OutboxState state)
    {
        try
        {
            Completed?.Invoke(signal, state);
        }
#pragma warning disable CA1031 // A subscriber's bug (the page, a test) must not stop delivery.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogSubscriberFailed(failure, signal.Ticket);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering from {OutboxPath} with up to {Parallel} tickets at once")]
    private partial void LogStarted(string outboxPath, int parallel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Signal {Action} {Ticket} {IdempotencyKey} superseded by {NewerKey} before it could be sent")]
    private partial void LogSuperseded(string action, long ticket, string idempotencyKey, string newerKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Planning delivery failed; the whole outbox is looked at again in {RetryDelay}")]
    private partial void LogDispatchFailed(Exception failure, TimeSpan retryDelay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering ticket {Ticket} failed unexpectedly; it stays pending")]
    private partial void LogTicketFailed(Exception failure, long ticket);

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber to delivery's Completed event failed on ticket {Ticket}; delivery goes on")]
    private partial void LogSubscriberFailed(Exception failure, long ticket);
}
