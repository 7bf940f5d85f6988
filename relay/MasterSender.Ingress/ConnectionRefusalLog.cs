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
/// window, so every refusal is in the log exactly once, individually or in a count.
/// Owner: none single. Any connection's task refuses and the sweep timer flushes, at once, so the window's counts
/// are guarded by <see cref="_gate"/> (held for a few field updates and, once per window, the summary line).
/// </summary>
internal sealed partial class ConnectionRefusalLog
{
    internal const int LinesPerWindow = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<ConnectionRefusal, int> _unlogged = [];
    private long _windowStartMs = long.MinValue / 2;
    private int _loggedInWindow;
    private readonly ILogger _logger;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;

    public ConnectionRefusalLog(ILogger logger, IngressMetrics metrics, TimeProvider time)
    {
        _logger = logger;
        _metrics = metrics;
        _time = time;
    }

    public void Refused(ConnectionRefusal cause, string remote, string detail)
    {
        _metrics.ConnectionRefused(cause, detail);
        bool ownLine;
        lock (_gate)
        {
            FlushLocked(_time.GetUtcNow().ToUnixTimeMilliseconds());
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
            LogRefused(remote, cause, detail);
        }
    }

    /// <summary>Writes the summary of a finished window (the ingress sweep calls this every second).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked(_time.GetUtcNow().ToUnixTimeMilliseconds());
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
            LogSummary(_unlogged.Values.Sum(), Window.TotalSeconds, counts, _metrics.ConnectionsRefused);
            _unlogged.Clear();
        }

        _windowStartMs = nowMs;
        _loggedInWindow = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a connection to the EA port from {Remote} ({Cause}): {Detail}")]
    private partial void LogRefused(string remote, ConnectionRefusal cause, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} more connections to the EA port in the last {WindowSeconds} s ({Counts}); {Total} closed since start")]
    private partial void LogSummary(int count, double windowSeconds, string counts, long total);
}
