using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress;

/// <summary>
/// The EA port's front door, a plain TCP listener on 127.0.0.1 in front of the NetMQ ROUTER (bound on a private
/// loopback port). NetMQ has no handshake deadline, no connection cap, and no guard on its accept path: idle
/// connections use up the process's file descriptors and its listener then throws on an I/O thread, which ends the
/// process; and it lets a peer choose its ROUTER routing id. So here, before NetMQ sees a byte:
/// at most <c>Ingress:MaxConnections</c> connections are open, the oldest still in its handshake shed first for a new
/// one; a handshake (greeting and READY) must finish within <c>Ingress:HandshakeTimeout</c>; a READY naming its own
/// routing id is refused. A connection that passes is joined to the ROUTER and its bytes are copied both ways; the
/// only thing read after that is each frame's size, so that a frame over <c>Ingress:MaxFrameBytes</c> is named in
/// the log before the connection closes.
/// Owner: the accept loop and each connection's task run at once, so the list of open connections (and each
/// connection's <c>Established</c>) is guarded by <see cref="_gate"/>; that lock is held for list edits only, never
/// across I/O, and the front door touches no session or book (those are the poller thread's).
/// </summary>
internal sealed partial class IngressFront : IDisposable
{
    private const int CopyBufferBytes = 64 * 1024;
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly IngressOptions _options;
    private readonly Func<int> _routerPort;
    private readonly IngressMetrics _metrics;
    private readonly ConnectionRefusalLog _refusals;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly LinkedList<FrontConnection> _connections = [];
    private readonly byte[] _greeting = ZmtpHandshake.ServerGreeting();
    private Task _accepting = Task.CompletedTask;

    /// <param name="routerPort">The ROUTER's current private port (it changes when the socket is rebuilt).</param>
    public IngressFront(IngressOptions options, Func<int> routerPort, IngressMetrics metrics, ConnectionRefusalLog refusals, TimeProvider time, ILogger logger)
    {
        _options = options;
        _routerPort = routerPort;
        _metrics = metrics;
        _refusals = refusals;
        _time = time;
        _logger = logger;
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, options.Port));
            _listener.Listen(512);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            _listener.Dispose();
            throw new IngressStartException(
                $"Port {options.Port} on 127.0.0.1 is already in use, so the EA's relay port cannot be opened. Stop the program using it, or set Ingress:Port (environment MasterSender__Ingress__Port) to a free port and the EA's RelayPort input to the same value.",
                exception);
        }

        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Start() => _accepting = AcceptLoopAsync();

    /// <summary>The ROUTER was rebuilt: connections joined to the old one end, and their EAs reconnect and say hello.</summary>
    public void CloseEstablished(string because)
    {
        List<FrontConnection> established;
        lock (_gate)
        {
            established = _connections.Where(c => c.Established).ToList();
        }

        LogClosingEstablished(established.Count, because);
        foreach (var connection in established)
        {
            connection.Close();
        }
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        List<FrontConnection> open;
        lock (_gate)
        {
            open = [.. _connections];
        }

        foreach (var connection in open)
        {
            connection.Close();
        }

        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation; nothing else can escape it.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var failing = false;
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stopping.Token);
                failing = false;
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                // Out of file descriptors (EMFILE) or the like: wait a moment, keep the port, log once per episode.
                if (!failing)
                {
                    LogAcceptFailing(exception.SocketErrorCode);
                    failing = true;
                }

                await DelayQuietlyAsync(AcceptRetryDelay);
                continue;
            }

            Admit(accepted);
        }
    }

    private void Admit(Socket accepted)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var connection = new FrontConnection(accepted, now);
        FrontConnection? shed = null;
        var full = false;
        lock (_gate)
        {
            if (_connections.Count >= _options.MaxConnections)
            {
                shed = RoomMaker(now);
                full = shed is null;
            }

            if (!full)
            {
                if (shed is not null)
                {
                    _connections.Remove(shed);
                }

                _connections.AddLast(connection);
            }
        }

        if (full)
        {
            _refusals.Refused(ConnectionRefusal.CapReached, connection.Remote, $"{_options.MaxConnections} connections are open (Ingress:MaxConnections), all past their handshake and none silent; the new one is closed");
            connection.Dispose();
            return;
        }

        _metrics.ConnectionOpened();
        if (shed is not null)
        {
            var why = shed.Established
                ? $"silent for {(now - shed.LastInboundMs) / 1000.0:0.#} s after its handshake"
                : $"still in its handshake after {(now - shed.AcceptedAtMs) / 1000.0:0.#} s";
            _refusals.Refused(ConnectionRefusal.CapReached, shed.Remote, $"{_options.MaxConnections} connections were open (Ingress:MaxConnections); this one, {why}, made room for a new one");
            shed.Close();
        }

        _ = ServeAsync(connection);
    }

    // Idle and unknown connections go first: the oldest one still in its handshake, else the established one silent
    // longest if it has been silent past the terminal timeout. Null: every connection is a live EA.
    private FrontConnection? RoomMaker(long now)
    {
        var handshaking = _connections.FirstOrDefault(c => !c.Established);
        if (handshaking is not null)
        {
            return handshaking;
        }

        var silent = _connections.MinBy(c => c.LastInboundMs);
        return silent is not null && now - silent.LastInboundMs > _options.TerminalTimeout.TotalMilliseconds ? silent : null;
    }

    private async Task ServeAsync(FrontConnection connection)
    {
        try
        {
            var ready = await HandshakeAsync(connection);
            if (ready is not null)
            {
                await JoinRouterAsync(connection);
            }
        }
#pragma warning disable CA1031 // A connection's task: whatever ends it must end only this connection.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogConnectionFailed(failure, connection.Remote);
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(connection);
            }

            connection.Dispose();
            _metrics.ConnectionClosed();
        }
    }

    /// <summary>The peer's READY command, or null when the connection was refused or went away.</summary>
    private async Task<byte[]?> HandshakeAsync(FrontConnection connection)
    {
        using var deadline = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, connection.Closing);
        try
        {
            connection.Client.NoDelay = true;
            await connection.Client.SendAsync(_greeting, SocketFlags.None, cancel.Token);
            var greeting = new byte[ZmtpHandshake.GreetingLength];
            await ZmtpHandshake.ReceiveExactlyAsync(connection.Client, greeting, cancel.Token);
            if (ZmtpHandshake.CheckGreeting(greeting) is { } badGreeting)
            {
                _refusals.Refused(ConnectionRefusal.BadHandshake, connection.Remote, badGreeting);
                return null;
            }

            var ready = await ZmtpHandshake.ReadCommandAsync(connection.Client, cancel.Token);
            if (ZmtpHandshake.CheckReady(ready) is { } badReady)
            {
                _refusals.Refused(badReady.Kind, connection.Remote, badReady.Detail);
                return null;
            }

            try
            {
                connection.Router = await ConnectRouterAsync(greeting, ready, cancel.Token);
            }
            catch (Exception unavailable) when (unavailable is SocketException or ConnectionClosedException)
            {
                _refusals.Refused(ConnectionRefusal.RouterUnavailable, connection.Remote, "the EA socket behind the front door did not answer (it is being rebuilt?); the EA will reconnect");
                return null;
            }

            return ready;
        }
        catch (HandshakeRefusedException refused)
        {
            _refusals.Refused(ConnectionRefusal.BadHandshake, connection.Remote, refused.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            _refusals.Refused(ConnectionRefusal.HandshakeTimeout, connection.Remote, $"no ZMTP handshake within {_options.HandshakeTimeout.TotalSeconds:0.###} s (Ingress:HandshakeTimeout)");
        }
        catch (Exception ended) when (ended is OperationCanceledException or ObjectDisposedException or SocketException or ConnectionClosedException)
        {
            // The peer went, or the front door closed it to make room (logged there) or to stop.
        }

        return null;
    }

    /// <summary>Opens the ROUTER side and plays the peer's greeting and READY to it; NetMQ's greeting is not passed on
    /// (the peer already has the front door's), its READY is.</summary>
    private async Task<Socket> ConnectRouterAsync(byte[] greeting, byte[] ready, CancellationToken cancellationToken)
    {
        var router = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await router.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _routerPort()), cancellationToken);
            await router.SendAsync(greeting, SocketFlags.None, cancellationToken);
            await ZmtpHandshake.ReceiveExactlyAsync(router, new byte[ZmtpHandshake.GreetingLength], cancellationToken);
            await router.SendAsync(ready, SocketFlags.None, cancellationToken);
            return router;
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }

    private async Task JoinRouterAsync(FrontConnection connection)
    {
        lock (_gate)
        {
            connection.Established = true;
        }

        if (connection.Closing.IsCancellationRequested)
        {
            return;
        }

        var router = connection.Router!;
        var watch = new FrameSizeWatch(_options.MaxFrameBytes);
        var toRouter = CopyAsync(connection.Client, router, watch, connection);
        var toEa = CopyAsync(router, connection.Client, watch: null, connection);
        await Task.WhenAny(toRouter, toEa);
        connection.Close();
        await Task.WhenAll(toRouter, toEa);
    }

    private async Task CopyAsync(Socket from, Socket to, FrameSizeWatch? watch, FrontConnection connection)
    {
        var buffer = new byte[CopyBufferBytes];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, connection.Closing);
                if (read == 0)
                {
                    return;
                }

                if (watch is not null)
                {
                    connection.LastInboundMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                }

                if (watch?.Observe(buffer.AsSpan(0, read)) is { } size)
                {
                    _refusals.Refused(ConnectionRefusal.FrameTooLarge, connection.Remote, $"a frame of {size} bytes, over Ingress:MaxFrameBytes ({_options.MaxFrameBytes})");
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, connection.Closing);
            }
        }
        catch (Exception ended) when (ended is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Either side went away, or the front door closed the connection; the other direction ends with it.
        }
    }

    private async Task DelayQuietlyAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing {Count} EA connection(s): {Reason}")]
    private partial void LogClosingEstablished(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot accept connections on the EA port for now ({Error}); retrying")]
    private partial void LogAcceptFailing(SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A connection to the EA port from {Remote} failed")]
    private partial void LogConnectionFailed(Exception exception, string remote);
}
