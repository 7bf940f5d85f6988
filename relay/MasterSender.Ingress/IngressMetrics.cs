namespace MasterSender.Ingress;

/// <summary>
/// Counters for the status page, in two groups by who writes them.
/// The poller thread (<see cref="RouterEndpoint"/>'s) owns the message counters: it counts in plain fields and publishes
/// an immutable <see cref="PollerCounts"/> at the end of each turn, swapped by reference, so readers on other threads
/// need no lock and see a consistent set.
/// The connection counters are written by the front door's accept loop and its connection tasks (many threads at once),
/// and the restart count by whichever poller thread died; those stay <see cref="Interlocked"/>: they have no single
/// writer to own them, and a counter is all they are.
/// </summary>
public sealed class IngressMetrics
{
    // Owned by the poller thread (plain fields, never read elsewhere).
    private long _framesReceived;
    private long _malformed;
    private long _resyncsSent;
    private long _sessionsAccepted;
    private long _sessionsRefused;
    private long _replayed;
    private long _droppedItems;
    private long _lookupsSent;

    // Written by the poller thread only, read by anyone.
    private PollerCounts _published = new();

    // Written from many threads (front-door tasks, a dying poller thread): Interlocked/Volatile.
    private long _connectionsOpen;
    private long _connectionsRefused;
    private long _socketRestarts;
    private string? _lastConnectionRefusal;
    private string? _lastSocketError;

    public long FramesReceived => Published.FramesReceived;
    public long Malformed => Published.Malformed;
    public long ResyncsSent => Published.ResyncsSent;
    public long SessionsAccepted => Published.SessionsAccepted;
    public long SessionsRefused => Published.SessionsRefused;

    /// <summary>Signals committed since start (the pipeline's count, which only the poller may read).</summary>
    public long SignalsProduced => Published.SignalsProduced;

    /// <summary>Accepted EA sessions now.</summary>
    public int ActiveSessions => Published.ActiveSessions;

    /// <summary>Messages dropped because their seq was at or below the last applied one of their session.</summary>
    public long Replayed => Published.Replayed;

    /// <summary>Invalid positions/orders left out of otherwise valid snapshots.</summary>
    public long DroppedItems => Published.DroppedItems;
    public long LookupsSent => Published.LookupsSent;

    /// <summary>Connections to the EA port open now (in handshake or passed to the ROUTER).</summary>
    public long ConnectionsOpen => Interlocked.Read(ref _connectionsOpen);

    /// <summary>Connections the front door closed: cap reached, handshake too slow or refused, frame too large.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);

    /// <summary>The cause of the last refused connection, or null.</summary>
    public string? LastConnectionRefusal => Volatile.Read(ref _lastConnectionRefusal);

    /// <summary>Times the ROUTER socket failed on its thread and was rebuilt.</summary>
    public long SocketRestarts => Interlocked.Read(ref _socketRestarts);

    /// <summary>What made the ROUTER socket fail the last time, or null.</summary>
    public string? LastSocketError => Volatile.Read(ref _lastSocketError);

    private PollerCounts Published => Volatile.Read(ref _published);

    // Poller thread only: counting, the totals its log lines quote, and the publication at the end of a turn.
    internal long MalformedSoFar => _malformed;
    internal long DroppedItemsSoFar => _droppedItems;

    internal void FrameReceived() => _framesReceived++;
    internal void MalformedFrame() => _malformed++;
    internal void ResyncSent() => _resyncsSent++;
    internal void SessionAccepted() => _sessionsAccepted++;
    internal void SessionRefused() => _sessionsRefused++;
    internal void ReplayDropped() => _replayed++;
    internal void ItemsDropped(int count) => _droppedItems += count;
    internal void LookupSent() => _lookupsSent++;

    internal void PublishPollerCounts(int activeSessions, long signalsProduced)
    {
        Volatile.Write(ref _published, new PollerCounts
        {
            FramesReceived = _framesReceived,
            Malformed = _malformed,
            ResyncsSent = _resyncsSent,
            SessionsAccepted = _sessionsAccepted,
            SessionsRefused = _sessionsRefused,
            Replayed = _replayed,
            DroppedItems = _droppedItems,
            LookupsSent = _lookupsSent,
            ActiveSessions = activeSessions,
            SignalsProduced = signalsProduced,
        });
    }

    // Front door and failure paths, any thread.
    internal void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpen);
    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    internal void ConnectionRefused(ConnectionRefusal cause, string detail)
    {
        Interlocked.Increment(ref _connectionsRefused);
        Volatile.Write(ref _lastConnectionRefusal, $"{cause}: {detail}");
    }

    internal void SocketRestarted(string error)
    {
        Volatile.Write(ref _lastSocketError, error);
        Interlocked.Increment(ref _socketRestarts);
    }

    /// <summary>The poller's counters as of the end of one turn.</summary>
    private sealed record PollerCounts
    {
        public long FramesReceived { get; init; }
        public long Malformed { get; init; }
        public long ResyncsSent { get; init; }
        public long SessionsAccepted { get; init; }
        public long SessionsRefused { get; init; }
        public long Replayed { get; init; }
        public long DroppedItems { get; init; }
        public long LookupsSent { get; init; }
        public int ActiveSessions { get; init; }
        public long SignalsProduced { get; init; }
    }
}
