using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Ingress;

/// <summary>
/// Owns the ROUTER socket and the only thread that touches it (its poller's), which also processes every inbound
/// message: handing frames to another thread cost a thread wake-up per trade. While it works (a commit, about half a
/// millisecond), NetMQ and TCP hold what arrives, and a flood slows the EA's sends instead of dropping frames.
/// Replies come back through a <see cref="NetMQQueue{T}"/> the same poller drains.
/// It binds a private loopback port meant for <see cref="IngressFront"/> only. NetMQ has no accept filter, so a local
/// process that finds this port reaches NetMQ directly; idle connections flooded there are not guarded (the front door
/// guards the EA port). Exceptions NetMQ throws on this thread are (a peer-chosen routing id equal to the next
/// generated one is a duplicate key in <c>Router.IdentifyPeer</c>): the poller runs on a thread of ours that catches
/// them and reports through <c>onFailed</c>, and the owner replaces the whole endpoint.
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
    private readonly Action<Exception> _onFailed;

    /// <param name="onFrame">Handles one inbound message on the socket thread; the second argument sends a reply.</param>
    /// <param name="onDrained">Runs after each drained batch (the group commit).</param>
    /// <param name="onFailed">Runs once, on the dying socket thread, when NetMQ threw there; the endpoint is dead.</param>
    public RouterEndpoint(IngressOptions options, Action<InboundFrame, Action<OutboundFrame>> onFrame, Action<Action<OutboundFrame>> onDrained, IngressMetrics metrics, Action<Exception> onFailed)
    {
        _onFailed = onFailed;
        _onFrame = onFrame;
        _onDrained = onDrained;
        _metrics = metrics;
        _router.Options.MaxMsgSize = options.MaxFrameBytes;
        _router.Options.Linger = TimeSpan.Zero;
        try
        {
            Port = _router.BindRandomPort("tcp://127.0.0.1");
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

        // A task queued to the poller runs once its loop is up: Stop before that would be lost.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Task(() => running.TrySetResult()).Start(_poller);
        new Thread(() => RunPoller(running)) { Name = "MasterSender ingress", IsBackground = true }.Start();
        running.Task.Wait();
    }

    /// <summary>The private port the front door connects to.</summary>
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
        try
        {
            _poller.Stop();
            _poller.Dispose();
            _router.Dispose();
            _outbound.Dispose();
        }
#pragma warning disable CA1031 // After a failure NetMQ's state is unknown; closing it must not throw into the rebuild.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void RunPoller(TaskCompletionSource running)
    {
        try
        {
            _poller.Run();
        }
#pragma warning disable CA1031 // The socket thread: an exception here would end the process; the owner rebuilds instead.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            _onFailed(failure);
        }
        finally
        {
            running.TrySetResult();
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
