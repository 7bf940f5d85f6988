using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Ingress;

/// <summary>
/// Owns the ROUTER socket and the only thread that touches it (its poller's), which also processes every inbound
/// message: handing frames to another thread cost a thread wake-up per trade. While it works (a commit, about half a
/// millisecond), NetMQ and TCP hold what arrives, and a flood slows the EA's sends instead of dropping frames.
/// Replies come back through a <see cref="NetMQQueue{T}"/> the same poller drains.
/// </summary>
internal sealed class RouterEndpoint : IDisposable
{
    // Drain at most this many messages per wake so replies (welcome, resync) are not starved by a flood.
    private const int ReceiveBatch = 512;

    private readonly RouterSocket _router = new();
    private readonly NetMQQueue<OutboundFrame> _outbound = new();
    private readonly NetMQPoller _poller;
    private readonly Action<InboundFrame, Action<OutboundFrame>> _onFrame;
    private readonly Action<Action<OutboundFrame>> _onDrained;
    private readonly IngressMetrics _metrics;

    /// <param name="onFrame">Handles one inbound message on the socket thread; the second argument sends a reply.</param>
    /// <param name="onDrained">Runs after each drained batch (the group commit).</param>
    public RouterEndpoint(IngressOptions options, Action<InboundFrame, Action<OutboundFrame>> onFrame, Action<Action<OutboundFrame>> onDrained, IngressMetrics metrics)
    {
        _onFrame = onFrame;
        _onDrained = onDrained;
        _metrics = metrics;
        _router.Options.MaxMsgSize = options.MaxFrameBytes;
        _router.Options.Linger = TimeSpan.Zero;
        try
        {
            Port = options.Port == 0
                ? _router.BindRandomPort("tcp://127.0.0.1")
                : Bind(options.Port);
        }
        catch
        {
            _router.Dispose();
            _outbound.Dispose();
            throw;
        }

        _router.ReceiveReady += (_, _) => DrainInbound();
        _outbound.ReceiveReady += (_, _) => DrainOutbound();
        _poller = [_router, _outbound];
        _poller.RunAsync("MasterSender ingress", isBackgroundThread: true);
    }

    public int Port { get; }

    public void Send(OutboundFrame frame) => _outbound.Enqueue(frame);

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _poller.Stop();
        _poller.Dispose();
        _router.Dispose();
        _outbound.Dispose();
    }

    private int Bind(int port)
    {
        try
        {
            _router.Bind($"tcp://127.0.0.1:{port}");
            return port;
        }
        catch (AddressAlreadyInUseException exception)
        {
            throw new IngressStartException(
                $"Port {port} on 127.0.0.1 is already in use, so the EA's relay port cannot be opened. Stop the program using it, or set Ingress:Port (environment MasterSender__Ingress__Port) to a free port and the EA's RelayPort input to the same value.",
                exception);
        }
    }

    private void DrainInbound()
    {
        var message = new NetMQMessage();
        for (var i = 0; i < ReceiveBatch && _router.TryReceiveMultipartMessage(ref message, 2); i++)
        {
            _metrics.FrameReceived();
            var identity = message[0].ToByteArray();
            var frame = new InboundFrame(
                Convert.ToHexString(identity),
                identity,
                message.FrameCount == 2 ? message[1].ToByteArray() : null,
                message.FrameCount - 1);
            _onFrame(frame, Send);
            message.Clear();
        }

        _onDrained(Send);
    }

    private void DrainOutbound()
    {
        while (_outbound.TryDequeue(out var frame, TimeSpan.Zero))
        {
            var message = new NetMQMessage(2);
            message.Append(frame.Identity);
            message.Append(frame.Body);
            // A peer that vanished or stopped reading loses its reply; it will reconnect and say hello again.
            _router.TrySendMultipartMessage(message);
        }
    }
}

/// <summary>The ingress cannot start; the message says what to do.</summary>
public sealed class IngressStartException(string message, Exception inner) : Exception(message, inner);
