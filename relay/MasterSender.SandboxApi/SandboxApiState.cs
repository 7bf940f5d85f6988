using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace MasterSender.SandboxApi;

/// <summary>A signal as the sandbox received it.</summary>
public sealed record ReceivedSignal(string IdempotencyKey, string Action, long Ticket, string Body, DateTimeOffset ReceivedAt, JsonObject Payload);

/// <summary>
/// The sandbox API's users, what it received, and the faults it is told to inject. Thread-safe: Kestrel serves
/// requests in parallel and tests read from their own thread.
/// </summary>
public sealed class SandboxApiState
{
    private readonly ConcurrentDictionary<string, ReceivedSignal> _signals = new();
    private readonly ConcurrentQueue<ReceivedSignal> _arrivals = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly ConcurrentQueue<JsonObject> _statusReports = new();
    private int _duplicates;
    private int _badSignatures;
    private int _tokenCounter;

    public SandboxApiState(string username, string password, long allowedMt5Id, string? mt5Path = null)
    {
        Username = username;
        Password = password;
        AllowedMt5Id = allowedMt5Id;
        Mt5Path = mt5Path;
    }

    public string Username { get; }
    public string Password { get; }
    public long AllowedMt5Id { get; set; }
    public string? Mt5Path { get; set; }
    public SandboxFaults Faults { get; } = new();

    /// <summary>The server's clock for the X-Timestamp freshness check; tests share the relay's fake clock.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Signals in arrival order (first arrival of each idempotency key).</summary>
    public IReadOnlyList<ReceivedSignal> Signals => [.. _arrivals];

    public int Duplicates => Volatile.Read(ref _duplicates);
    public int BadSignatures => Volatile.Read(ref _badSignatures);
    public int Logins => Volatile.Read(ref _tokenCounter);
    public IReadOnlyList<JsonObject> StatusReports => [.. _statusReports];

    public event Action<ReceivedSignal>? SignalReceived;

    /// <summary>Every token issued so far stops working (the next call with one gets 401), as when tokens expire.</summary>
    public void ExpireTokens() => _tokens.Clear();

    internal string IssueToken()
    {
        var token = $"sandbox-token-{Interlocked.Increment(ref _tokenCounter)}-{Guid.NewGuid():N}";
        _tokens[token] = Username;
        return token;
    }

    internal bool IsValidToken(string? token) => token is not null && _tokens.ContainsKey(token);

    /// <summary>True when new; a repeated idempotency key is counted as a duplicate.</summary>
    internal bool Record(ReceivedSignal signal)
    {
        if (!_signals.TryAdd(signal.IdempotencyKey, signal))
        {
            Interlocked.Increment(ref _duplicates);
            return false;
        }

        _arrivals.Enqueue(signal);
        SignalReceived?.Invoke(signal);
        return true;
    }

    internal void BadSignature() => Interlocked.Increment(ref _badSignatures);

    internal void RecordStatus(JsonObject report) => _statusReports.Enqueue(report);
}

/// <summary>What the sandbox does wrong on purpose.</summary>
public sealed class SandboxFaults
{
    private int _failNext;
    private int _throttleNext;

    /// <summary>Every request drops the connection, as if the API were down.</summary>
    public bool Down { get; set; }

    /// <summary>Extra latency before every broadcast answer.</summary>
    public TimeSpan BroadcastDelay { get; set; }

    /// <summary>The status code of the failures armed by <see cref="FailNext"/>.</summary>
    public int FailureStatus { get; private set; } = 503;

    public TimeSpan RetryAfter { get; private set; }

    /// <summary>users/me answers malformed JSON.</summary>
    public bool MalformedUserInfo { get; set; }

    /// <summary>Broadcast answers that are not JSON at all (still 200: the relay must not care about the body).</summary>
    public bool MalformedBroadcastAnswers { get; set; }

    public void FailNext(int count, int status = 503)
    {
        FailureStatus = status;
        Volatile.Write(ref _failNext, count);
    }

    public void ThrottleNext(int count, TimeSpan retryAfter)
    {
        RetryAfter = retryAfter;
        Volatile.Write(ref _throttleNext, count);
    }

    internal bool TakeFailure() => TakeOne(ref _failNext);

    internal bool TakeThrottle() => TakeOne(ref _throttleNext);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
