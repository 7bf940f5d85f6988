using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>How the API is doing, as the page shows it.</summary>
public enum ApiState
{
    /// <summary>The last call got an answer (any status but 408, 429, 5xx).</summary>
    Ok,

    /// <summary>The last call failed (unreachable, timed out, 408, 429, 5xx); fewer than Api:FailuresToOpen in a row.</summary>
    Failing,

    /// <summary>Api:FailuresToOpen calls in a row failed: broadcasts wait, one probe per Api:BreakDuration.</summary>
    CircuitOpen,
}

/// <summary>What the page and /api/status show about the API; <see cref="Problem"/> never holds a secret.</summary>
public sealed record ApiHealthView(ApiState State, string? Problem, long? ProblemSinceMs, long? NextProbeAtMs);

/// <summary>The breaker's answer to "may a broadcast go now?".</summary>
public readonly record struct Admission(bool Go, long RetryAtMs)
{
    public static Admission Granted => new(true, 0);
}

/// <summary>
/// The relay's circuit breaker, fed by the outcome of every call to the API (<see cref="ApiClient"/> reports them).
/// After <see cref="ApiOptions.FailuresToOpen"/> failed calls in a row it opens: broadcasts wait instead of going,
/// and a broadcast refused this way is not an attempt (no attempt counted, no backoff lengthened). After
/// <see cref="ApiOptions.BreakDuration"/> one broadcast goes as the probe; when any call gets an answer again,
/// <see cref="Recovered"/> fires and delivery tries every waiting signal at once (docs/api-contract.md, "Retries and
/// the circuit breaker").
/// </summary>
/// <remarks>
/// Its one lock stays, on purpose, rather than handing the state to delivery's dispatcher: every call to the API
/// reports here (logins and status reports as well as broadcasts, each from its own task), the page reads it, and
/// <see cref="Admit"/> must grant the single probe to exactly one of those callers at once, which a posted event
/// could only answer after the call had already gone. The lock guards five fields for a handful of instructions and
/// is never held across a wait or an event; the events fire after it is released.
/// </remarks>
public sealed partial class ApiHealth
{
    private readonly TimeProvider _time;
    private readonly ApiOptions _options;
    private readonly ILogger<ApiHealth> _log;
    private readonly Lock _gate = new();
    private ApiState _state = ApiState.Ok;
    private int _failuresInRow;
    private string? _problem;
    private long? _problemSinceMs;
    private long _openUntilMs;

    public ApiHealth(TimeProvider time, IOptions<ApiOptions> options, ILogger<ApiHealth> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _options = options.Value;
        _log = log;
    }

    /// <summary>The API answered again after the circuit was open: every signal waiting for it may go now.</summary>
    public event Action? Recovered;

    /// <summary>The state, the problem or the next probe's time changed (the page re-renders, delivery re-plans).</summary>
    public event Action? Changed;

    public ApiState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public ApiHealthView View()
    {
        lock (_gate)
        {
            return new ApiHealthView(_state, _problem, _problemSinceMs, _state == ApiState.CircuitOpen ? _openUntilMs : null);
        }
    }

    /// <summary>While the circuit is open and no probe is due: when the next probe may go; else null.</summary>
    public long? WaitingUntilMs()
    {
        lock (_gate)
        {
            return _state == ApiState.CircuitOpen && NowMs() < _openUntilMs ? _openUntilMs : null;
        }
    }

    /// <summary>
    /// Asks to send a broadcast. Granted while the circuit is closed, and to one probe once the break is over;
    /// otherwise refused with when to ask again. A refusal is not a failure: nothing about the signal changes.
    /// </summary>
    public Admission Admit()
    {
        lock (_gate)
        {
            if (_state != ApiState.CircuitOpen)
            {
                return Admission.Granted;
            }

            var now = NowMs();
            if (now < _openUntilMs)
            {
                return new Admission(false, _openUntilMs);
            }

            // The probe: one call, the others wait for its answer. Should it never report (cancelled at shutdown), the
            // next probe may go after one whole call's time.
            _openUntilMs = now + (long)_options.TotalTimeout.TotalMilliseconds;
            return Admission.Granted;
        }
    }

    /// <summary>A call got an answer from the API (2xx, or a 4xx that is the API's considered reply).</summary>
    public void Answered()
    {
        bool recovered;
        bool changed;
        lock (_gate)
        {
            // Only the end of an open circuit releases everything at once: a single failure among successes (a
            // flapping API) leaves each signal to its own backoff instead of retrying the whole outbox each time.
            recovered = _state == ApiState.CircuitOpen;
            changed = _state != ApiState.Ok;
            _state = ApiState.Ok;
            _failuresInRow = 0;
            _problem = null;
            _problemSinceMs = null;
        }

        if (recovered)
        {
            LogRecovered();
        }

        if (changed)
        {
            Changed?.Invoke();
        }

        if (recovered)
        {
            Recovered?.Invoke();
        }
    }

    /// <summary>A call failed after its quick retries: unreachable, timed out, 408, 429 or 5xx.</summary>
    public void Failed(string why)
    {
        bool opened;
        bool changed;
        lock (_gate)
        {
            var now = NowMs();
            changed = _problem != why || _state != ApiState.Failing;
            _problem = why;
            _problemSinceMs ??= now;
            _failuresInRow++;
            var wasOpen = _state == ApiState.CircuitOpen;
            if (wasOpen || _failuresInRow >= _options.FailuresToOpen)
            {
                // A failed probe, or the threshold reached: (re)open for one break.
                opened = !wasOpen;
                _state = ApiState.CircuitOpen;
                _openUntilMs = now + (long)_options.BreakDuration.TotalMilliseconds;
            }
            else
            {
                opened = false;
                _state = ApiState.Failing;
            }
        }

        if (opened)
        {
            LogOpened(_options.FailuresToOpen, why, (long)_options.BreakDuration.TotalMilliseconds);
        }

        if (changed || opened)
        {
            Changed?.Invoke();
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "API circuit open after {Failures} failed calls in a row ({Problem}); signals wait, one probe every {BreakMs} ms")]
    private partial void LogOpened(int failures, string problem, long breakMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API answers again; every waiting signal is tried now")]
    private partial void LogRecovered();
}
