using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Ingress;

/// <summary>
/// Owns the ROUTER socket and the poller thread that touches it, which also runs the <see cref="IngressLoop"/>: every
/// inbound message, and the work other threads enqueue on <see cref="Post"/> (the timers' sweep and lookups, the page's
/// request for a book). Handing frames to another thread cost a thread wake-up per trade. While it works (a commit,
/// about half a millisecond), NetMQ and TCP hold what arrives, and a flood slows the EA's sends instead of dropping
/// frames. Replies are sent at the end of each turn (<see cref="PollerTurn"/>), after the commit.
/// Own work goes through a <see cref="NetMQQueue{T}"/> of ours rather than <see cref="NetMQPoller.Run(Action)"/>: that
/// runs the action on the caller's thread when the poller is not running (a dead endpoint), and NetMQ's task scheduler
/// keeps a task's exception inside the task where nobody sees it.
/// It binds a private loopback port meant for <see cref="IngressFront"/> only. NetMQ has no accept filter, so a local
/// process that finds this port reaches NetMQ directly; idle connections flooded there are not guarded (the front door
/// guards the EA port). Exceptions NetMQ throws on this thread are (a peer-chosen routing id equal to the next
/// generated one is a duplicate key in <c>Router.IdentifyPeer</c>): the poller runs on a thread of ours that catches
/// them and reports through <c>onFailed</c>, and the owner replaces the whole endpoint.
/// Owner: fields are set by the constructor and <see cref="Start"/>; after that the socket and the loop belong to the
/// poller thread, and other threads only <see cref="Post"/> and <see cref="Dispose"/>.
/// </summary>
internal sealed class RouterEndpoint : IDisposable
{
    private readonly RouterSocket _router = new();
    private readonly NetMQQueue<Action> _work = new();
    // Publishes the books' views that turns without replies left touched (BookViews); enabled while some are.
    private readonly NetMQTimer _viewTimer = new(BookViews.PublishEvery) { Enable = false };
    private readonly NetMQPoller _poller;
    private readonly IngressLoop _loop;
    private readonly Action<Exception> _onFailed;
    private readonly Action<OutboundFrame> _send;
    // The last sender's routing id and its hex form, reused while one EA sends a run of messages (the usual case):
    // a new string and array per message were a measurable share of the poller's work. Owner: the poller thread.
    private byte[] _lastIdentity = [];
    private string _lastPeerId = "";
    // 1 once disposed. StopAsync, Dispose and a rebuild may each dispose it, from their own threads, and Post checks it
    // from timer threads: an atomic flag, not an owner's field.
    private int _disposed;

    /// <param name="loop">What the poller thread runs; it owns the ingress's state while this endpoint runs.</param>
    /// <param name="onFailed">Runs once, on the dying socket thread, when NetMQ threw there; the endpoint is dead.</param>
    public RouterEndpoint(IngressOptions options, IngressLoop loop, Action<Exception> onFailed)
    {
        _onFailed = onFailed;
        _loop = loop;
        _send = SendNow;
        _router.Options.MaxMsgSize = options.MaxFrameBytes;
        _router.Options.Linger = TimeSpan.Zero;
        try
        {
            Port = _router.BindRandomPort("tcp://127.0.0.1");
        }
        catch
        {
            _router.Dispose();
            _work.Dispose();
            throw;
        }

        _router.ReceiveReady += (_, _) => DrainInbound();
        _work.ReceiveReady += (_, _) => DrainWork();
        _viewTimer.Elapsed += (_, _) => PublishViews();
        _poller = [_router, _work, _viewTimer];
    }

    /// <summary>The private port the front door connects to.</summary>
    public int Port { get; }

    /// <summary>Starts the poller thread; from here on it owns the loop. Returns once the loop runs.</summary>
    public void Start()
    {
        // A task queued to the poller runs once its loop is up: Stop before that would be lost.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Task(() => running.TrySetResult()).Start(_poller);
        new Thread(() => RunPoller(running)) { Name = "MasterSender ingress", IsBackground = true }.Start();
        running.Task.Wait();
    }

    /// <summary>Any thread: runs <paramref name="work"/> on the poller thread in a later turn. False when this endpoint
    /// is disposed or dying; the work is then lost, which periodic work tolerates (it comes again on the next tick).</summary>
    public bool Post(Action work)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        try
        {
            _work.Enqueue(work);
            return true;
        }
#pragma warning disable CA1031 // Called from timer threads, where an exception ends the process; a queue closed under us only loses the tick.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _poller.Stop();
            _poller.Dispose();
            _router.Dispose();
            _work.Dispose();
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
        // One Msg for every part of every message: NetMQMessage would copy each part into a new array and frame.
        var part = default(Msg);
        part.InitEmpty();
        try
        {
            for (var i = 0; i < PollerTurn.MaxInboundMessages && _router.TryReceive(ref part, TimeSpan.Zero); i++)
            {
                // The routing id, kept with its hex form while one EA sends a run of messages (the usual case).
                if (!part.Slice().SequenceEqual(_lastIdentity))
                {
                    _lastIdentity = part.ToArray();
                    _lastPeerId = Convert.ToHexString(_lastIdentity);
                }

                // A message's parts arrive together, so the rest is there to read. A message is one part after the
                // routing id; the session rules say what is wrong with any other count.
                var parts = 0;
                while (part.HasMore)
                {
                    _router.Receive(ref part);
                    parts++;
                }

                _loop.OnFrame(new InboundFrame(_lastPeerId, _lastIdentity, parts == 1 ? part.SliceAsMemory() : null, parts));
            }
        }
        finally
        {
            part.Close();
        }

        EndTurn();
    }

    private void DrainWork()
    {
        for (var i = 0; i < PollerTurn.MaxWorkItems && _work.TryDequeue(out var work, TimeSpan.Zero); i++)
        {
            _loop.Run(work);
        }

        EndTurn();
    }

    private void EndTurn()
    {
        if (_loop.EndTurn())
        {
            _viewTimer.Enable = true; // no-op while it runs: the views wait at most one interval
        }

        _loop.Replies.Flush(_send);
    }

    private void PublishViews()
    {
        _viewTimer.Enable = false;
        _loop.Run(_loop.PublishViews);
    }

    // A peer that vanished or stopped reading loses its reply; it will reconnect and say hello again.
    private void SendNow(OutboundFrame frame)
    {
        var message = new NetMQMessage(2);
        message.Append(frame.Identity);
        message.Append(frame.Body);
        _router.TrySendMultipartMessage(message);
    }
}

/// <summary>The ingress cannot start; the message says what to do.</summary>
public sealed class IngressStartException(string message, Exception inner) : Exception(message, inner);
