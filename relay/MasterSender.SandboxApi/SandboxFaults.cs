namespace MasterSender.SandboxApi;

/// <summary>What the sandbox does wrong, on purpose. Counters are consumed one per request.</summary>
public sealed class SandboxFaults
{
    private int _failNext;
    private int _tooManyNext;
    private int _malformedNext;
    private long _injected;
    private long _held;

    /// <summary>Every request has its connection aborted, as if the API were unreachable.</summary>
    public bool Down { get; set; }

    /// <summary>While set, every request answers <see cref="FailStatus"/> (503 by default): an outage of the API
    /// behind a proxy that still answers.</summary>
    public bool Failing { get; set; }

    /// <summary>While set, every broadcast answers 401 whatever its token (logins still work): a token the API
    /// issues but will not accept for broadcasts.</summary>
    public bool RefuseBroadcastTokens { get; set; }

    /// <summary>Delay before each broadcast answer (a distant API).</summary>
    public TimeSpan BroadcastDelay { get; set; }

    /// <summary>While set, broadcasts wait for this task before answering (hangs, for timeout tests).</summary>
    public Task? HoldBroadcasts { get; set; }

    public int FailStatus { get; set; } = 503;

    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Keys the API refuses with 422 and a message (a signal the server cannot accept).</summary>
    public Func<string, bool> Refuse { get; set; } = _ => false;

    /// <summary>The next <paramref name="count"/> requests answer <see cref="FailStatus"/> (503 by default).</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    /// <summary>The next <paramref name="count"/> requests answer 429 with Retry-After: <see cref="RetryAfterSeconds"/>.</summary>
    public void TooManyRequestsNext(int count) => Volatile.Write(ref _tooManyNext, count);

    /// <summary>The next <paramref name="count"/> requests answer 200 with a body that is not JSON.</summary>
    public void MalformedNext(int count) => Volatile.Write(ref _malformedNext, count);

    /// <summary>How many broadcasts have waited on <see cref="HoldBroadcasts"/> so far (in flight, for tests).</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>How many answers were 503/429/malformed on purpose so far.</summary>
    public long Injected => Interlocked.Read(ref _injected);

    internal bool TakeFailure()
    {
        if (Failing)
        {
            Interlocked.Increment(ref _injected);
            return true;
        }

        return Take(ref _failNext);
    }

    internal void CountHeld() => Interlocked.Increment(ref _held);

    internal bool TakeTooMany() => Take(ref _tooManyNext);

    internal bool TakeMalformed() => Take(ref _malformedNext);

    private bool Take(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left)
            {
                Interlocked.Increment(ref _injected);
                return true;
            }
        }
    }
}
