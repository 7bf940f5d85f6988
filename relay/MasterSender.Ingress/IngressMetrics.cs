namespace MasterSender.Ingress;

/// <summary>Counters for the status page; written on the socket thread, read by anyone.</summary>
public sealed class IngressMetrics
{
    private long _framesReceived;
    private long _malformed;
    private long _resyncsSent;
    private long _sessionsAccepted;
    private long _sessionsRefused;
    private long _replayed;
    private long _droppedItems;
    private long _lookupsSent;

    public long FramesReceived => Interlocked.Read(ref _framesReceived);
    public long Malformed => Interlocked.Read(ref _malformed);
    public long ResyncsSent => Interlocked.Read(ref _resyncsSent);
    public long SessionsAccepted => Interlocked.Read(ref _sessionsAccepted);
    public long SessionsRefused => Interlocked.Read(ref _sessionsRefused);

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
    internal void ReplayDropped() => Interlocked.Increment(ref _replayed);
    internal void ItemsDropped(int count) => Interlocked.Add(ref _droppedItems, count);
    internal void LookupSent() => Interlocked.Increment(ref _lookupsSent);
}
