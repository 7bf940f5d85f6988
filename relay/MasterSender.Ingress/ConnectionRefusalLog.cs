using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress;

/// <summary>Why the front door closed a connection to the EA port.</summary>
public enum ConnectionRefusal
{
    HandshakeTimeout,
    CapReached,
    IdentityRefused,
    BadHandshake,
    FrameTooLarge,
    RouterUnavailable,
}

/// <summary>
/// One warning per refused connection, with its cause; in a flood (thousands of idle connections) the first
/// <see cref="LinesPerWindow"/> of each window get their own line and the rest are counted in one summary line per
/// window, so every refusal is in the log exactly once, individually or in a count. Called from any connection's task.
/// </summary>
internal sealed class ConnectionRefusalLog(ILogger logger, IngressMetrics metrics, TimeProvider time)
{
    internal const int LinesPerWindow = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<ConnectionRefusal, int> _unlogged = [];
    private long _windowStartMs = long.MinValue / 2;
    private int _loggedInWindow;

    public void Refused(ConnectionRefusal cause, string remote, string detail)
    {
        metrics.ConnectionRefused(cause, detail);
        bool ownLine;
        lock (_gate)
        {
            FlushLocked(time.GetUtcNow().ToUnixTimeMilliseconds());
            ownLine = _loggedInWindow < LinesPerWindow;
            if (ownLine)
            {
                _loggedInWindow++;
            }
            else
            {
                _unlogged[cause] = _unlogged.GetValueOrDefault(cause) + 1;
            }
        }

        if (ownLine)
        {
            logger.LogWarning("Closed a connection to the EA port from {Remote} ({Cause}): {Detail}", remote, cause, detail);
        }
    }

    /// <summary>Writes the summary of a finished window (the ingress sweep calls this every second).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked(time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    private void FlushLocked(long nowMs)
    {
        if (nowMs - _windowStartMs < Window.TotalMilliseconds)
        {
            return;
        }

        if (_unlogged.Count > 0)
        {
            var counts = string.Join(", ", _unlogged.Select(c => $"{c.Value} {c.Key}"));
            logger.LogWarning(
                "Closed {Count} more connections to the EA port in the last {WindowSeconds} s ({Counts}); {Total} closed since start",
                _unlogged.Values.Sum(), Window.TotalSeconds, counts, metrics.ConnectionsRefused);
            _unlogged.Clear();
        }

        _windowStartMs = nowMs;
        _loggedInWindow = 0;
    }
}
