namespace MasterSender.Ingress;

/// <summary>Counters for the status page; written on the socket threads, read by anyone.</summary>
public sealed class IngressMetrics
{
    private long _framesReceived;
    private long _malformed;
    private long _resyncsSent;
    private long _sessionsAccepted;
    private long _sessionsRefused;
    private long _connectionsOpen;
    private long _connectionsRefused;
    private long _socketRestarts;
    private string? _lastConnectionRefusal;
    private string? _lastSocketError;
    private long _replayed;
    private long _droppedItems;
    private long _lookupsSent;

    public long FramesReceived => Interlocked.Read(ref _framesReceived);
    public long Malformed => Interlocked.Read(ref _malformed);
    public long ResyncsSent => Interlocked.Read(ref _resyncsSent);
    public long SessionsAccepted => Interlocked.Read(ref _sessionsAccepted);
    public long SessionsRefused => Interlocked.Read(ref _sessionsRefused);

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
    /// <summary>Messages dropped because their seq was at or below the last applied one of their session.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Invalid positions/orders left out of otherwise valid snapshots.</summary>
    public long DroppedItems => Interlocked.Read(ref _droppedItems);
    public long LookupsSent => Interlocked.Read(ref _lookupsSent);

    internal void FrameReceived() => Interlocked.Increment(ref _framesReceived);
    internal void MalformedFrame() => Interlocked.Increment(ref _malformed);
    internal void ResyncSent() => Interlocked.Increment(ref _resyncsSent);
    internal void SessionAccepted() => Interlocked.Increment(ref _sessionsAccepted);
    internal void SessionRefused() => Interlocked.Increment(ref _sessionsRefused);
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
    internal void ReplayDropped() => Interlocked.Increment(ref _replayed);
    internal void ItemsDropped(int count) => Interlocked.Add(ref _droppedItems, count);
    internal void LookupSent() => Interlocked.Increment(ref _lookupsSent);
}
