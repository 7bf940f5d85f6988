namespace MasterSender.Ingress;

/// <summary>One ROUTER message from a peer: its identity and its frames after the identity. <see cref="Body"/> (null
/// unless the message is one frame) is NetMQ's receive buffer, valid only while the message is handled.</summary>
internal readonly record struct InboundFrame(string PeerId, byte[] Identity, ReadOnlyMemory<byte>? Body, int FrameCount);

/// <summary>A reply for one peer, sent by the socket thread.</summary>
internal readonly record struct OutboundFrame(byte[] Identity, byte[] Body);

/// <summary>
/// The replies of one poller turn. Only the poller thread adds to it (the session rules) and drains it (the endpoint,
/// at the end of the turn, after the commit and the page's view are published), so a plain list serves: an EA that
/// gets an answer can rely on its earlier messages being stored and shown.
/// </summary>
internal sealed class Replies
{
    private readonly List<OutboundFrame> _pending = [];

    public void Send(OutboundFrame frame) => _pending.Add(frame);

    /// <summary>True when the turn has replies to send.</summary>
    public bool Any => _pending.Count > 0;

    /// <summary>Hands every pending reply to <paramref name="send"/> and forgets them, even when sending throws (the
    /// next socket must not inherit replies addressed to the dead one's routing ids).</summary>
    public void Flush(Action<OutboundFrame> send)
    {
        try
        {
            foreach (var frame in _pending)
            {
                send(frame);
            }
        }
        finally
        {
            _pending.Clear();
        }
    }
}
