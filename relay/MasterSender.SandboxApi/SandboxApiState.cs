using System.Collections.Concurrent;

namespace MasterSender.SandboxApi;

/// <summary>A signal the sandbox accepted: each idempotency key once, in arrival order.</summary>
public sealed record ReceivedSignal(long Sequence, string IdempotencyKey, long Ticket, string Action, string Body, DateTimeOffset ReceivedAt);

/// <summary>
/// The sandbox API's user, what it received, and the faults to inject. Thread-safe; tests and the demo drive it
/// while requests run.
/// </summary>
public sealed class SandboxApiState
{
    private readonly ConcurrentDictionary<string, ReceivedSignal> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _statuses = new();
    private readonly ConcurrentQueue<string> _statusHistory = new();
    private long _sequence;
    private long _duplicates;
    private long _badSignatures;
    private long _broadcastCalls;
    private long _logins;
    private long _inFlight;
    private long _peakInFlight;

    public string Username { get; init; } = "master";
    public string Password { get; init; } = "secret";
    public long UserId { get; init; } = 7;
    public long AllowedMt5Id { get; set; } = 5001;
    public string? Mt5Path { get; set; } = @"C:\Program Files\MetaTrader 5\terminal64.exe";

    public SandboxFaults Faults { get; } = new();

    /// <summary>Fires after a signal is accepted (not for duplicates): lets tests await arrivals instead of sleeping.</summary>
    public event Action<ReceivedSignal>? SignalReceived;

    public IReadOnlyCollection<ReceivedSignal> Received => _received.Values.OrderBy(s => s.Sequence).ToList();

    public int ReceivedCount => _received.Count;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Requests whose HMAC did not verify: must stay 0 for a correct relay.</summary>
    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    public long BroadcastCalls => Interlocked.Read(ref _broadcastCalls);

    /// <summary>Successful <c>POST /token</c> calls so far.</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Requests being answered right now (tests wait for 0 before moving a fake clock on).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>The most requests ever answered at once: how parallel the relay's delivery really was.</summary>
    public long PeakInFlight => Interlocked.Read(ref _peakInFlight);

    public IReadOnlyCollection<string> StatusReports => _statusHistory.ToList();

    /// <summary>Makes every token issued so far invalid: the next call with one answers 401.</summary>
    public void ExpireTokens() => _tokens.Clear();

    /// <summary>Tokens currently valid; lets a test prove that none of them ever reaches a page or a log.</summary>
    public IReadOnlyCollection<string> IssuedTokens => _tokens.Keys.ToList();

    internal void Enter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        var peak = Interlocked.Read(ref _peakInFlight);
        while (now > peak && Interlocked.CompareExchange(ref _peakInFlight, now, peak) is var seen && seen != peak)
        {
            peak = seen;
        }
    }

    internal void Leave() => Interlocked.Decrement(ref _inFlight);

    internal string IssueToken()
    {
        Interlocked.Increment(ref _logins);
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        _tokens[token] = 0;
        return token;
    }

    internal bool IsValid(string? token) => token is not null && _tokens.ContainsKey(token);

    internal void CountBroadcastCall() => Interlocked.Increment(ref _broadcastCalls);

    internal void CountBadSignature() => Interlocked.Increment(ref _badSignatures);

    /// <summary>Records the signal unless its key is known; false (and a counted duplicate) when it is.</summary>
    internal bool TryRecord(string key, long ticket, string action, string body)
    {
        var signal = new ReceivedSignal(Interlocked.Increment(ref _sequence), key, ticket, action, body, DateTimeOffset.UtcNow);
        if (!_received.TryAdd(key, signal))
        {
            Interlocked.Increment(ref _duplicates);
            return false;
        }

        SignalReceived?.Invoke(signal);
        return true;
    }

    internal void RecordStatus(long userId, string json)
    {
        _statuses[userId] = json;
        _statusHistory.Enqueue(json);
    }

    internal string? StatusOf(long userId) => _statuses.GetValueOrDefault(userId);
}
