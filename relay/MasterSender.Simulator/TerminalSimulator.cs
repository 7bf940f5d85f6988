using MasterSender.Core.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Simulator;

/// <summary>
/// Plays the EA over a real NetMQ DEALER: hello, snapshot after welcome, state messages, heartbeats, and the
/// protocol's answers to resync. The socket lives on its poller's thread; every public call is queued to it, so
/// messages leave in call order and seq numbers follow that order.
/// </summary>
public sealed class TerminalSimulator : IDisposable
{
    private readonly string _endpoint;
    private readonly SimulatorSettings _settings;
    private readonly NetMQQueue<Action> _work = new();
    private readonly NetMQPoller _poller;
    private readonly NetMQTimer _heartbeat;
    private DealerSocket _socket;
    private TaskCompletionSource<Welcome> _welcome = NewWelcomeSource();
    private long _seq;
    private readonly List<EaMessage> _undeliveredEvidence = [];
    private int _eventsToLose;
    private int _sessionCounter;

    public TerminalSimulator(SimulatedTerminal terminal, string endpoint, SimulatorSettings? settings = null)
    {
        Terminal = terminal ?? throw new ArgumentNullException(nameof(terminal));
        _endpoint = endpoint;
        _settings = settings ?? new SimulatorSettings();
        Session = NextSessionId();
        _heartbeat = new NetMQTimer(TimeSpan.FromSeconds(1)) { Enable = false };
        _heartbeat.Elapsed += (_, _) => SendNow(new Heartbeat());
        _work.ReceiveReady += (_, _) =>
        {
            while (_work.TryDequeue(out var action, TimeSpan.Zero))
            {
                action();
            }
        };
        _socket = NewSocket();
        _poller = [_work, _heartbeat, _socket];
        _poller.RunAsync("terminal simulator", isBackgroundThread: true);
    }

    public SimulatedTerminal Terminal { get; }

    public string Session { get; private set; }

    public Welcome? LastWelcome { get; private set; }

    private int _resyncs;

    public int ResyncsReceived => Volatile.Read(ref _resyncs);

    private string? _lastResyncReason;

    /// <summary>The <c>reason</c> of the last <c>resync</c> received, or null.</summary>
    public string? LastResyncReason => Volatile.Read(ref _lastResyncReason);

    private int _heartbeatReplies;

    private int _lookups;

    /// <summary>How many <c>lookup</c> messages for the current session arrived (each is answered).</summary>
    public int LookupsReceived => Volatile.Read(ref _lookups);

    public int HeartbeatRepliesReceived => Volatile.Read(ref _heartbeatReplies);

    /// <summary>Every relay message, on the simulator's thread.</summary>
    public event Action<RelayMessage>? Received;

    /// <summary>Connects (the socket connects at construction; this says hello) and waits for the relay's answer.</summary>
    public Task<Welcome> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var welcome = _welcome.Task;
        Run(SayHello);
        return welcome.WaitAsync(cancellationToken);
    }

    /// <summary>Drops the TCP connection and opens a new one, as an EA does after a network error: new identity,
    /// new session, hello, and a snapshot once welcomed.</summary>
    public Task<Welcome> ReconnectAsync(CancellationToken cancellationToken = default)
    {
        var ready = new TaskCompletionSource<Task<Welcome>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Run(() =>
        {
            _poller.Remove(_socket);
            _socket.Dispose();
            _socket = NewSocket();
            _poller.Add(_socket);
            Session = NextSessionId();
            _welcome = NewWelcomeSource();
            ready.SetResult(_welcome.Task);
            SayHello();
        });
        return ready.Task.Unwrap().WaitAsync(cancellationToken);
    }

    /// <summary>Sends what a trade operation produced, unless events are being lost.</summary>
    public void Send(IEnumerable<EaMessage> messages)
    {
        var batch = messages.ToList();
        Run(() =>
        {
            foreach (var message in batch)
            {
                if (_eventsToLose > 0)
                {
                    _eventsToLose--;
                    if (message is PositionClosed or OrderRemoved)
                    {
                        // The EA still knows it reported the position or order, so it sends the evidence before its
                        // next snapshot (docs/protocol.md, "How the EA applies these rules").
                        _undeliveredEvidence.Add(message);
                    }

                    continue;
                }

                SendNow(message);
            }
        });
    }

    /// <summary>The next <paramref name="count"/> event messages are lost (as when the terminal's event queue overflows).</summary>
    public void LoseNextEvents(int count) => Run(() => _eventsToLose += count);

    public void SendSnapshot(string reason = "changed") => Run(() => SendSnapshotNow(reason));

    public void SendHeartbeat() => Run(() => SendNow(new Heartbeat()));

    public void SendGoodbye(string reason = "removed") => Run(() => SendNow(new Goodbye { Reason = reason }));

    /// <summary>Skips a seq number, as if a message was lost on the way.</summary>
    public void SkipSeq() => Run(() => _seq++);

    /// <summary>Sends arbitrary frames (fuzzing, protocol tests).</summary>
    public void SendRaw(params byte[][] frames) => Run(() =>
    {
        var message = new NetMQMessage();
        foreach (var frame in frames)
        {
            message.Append(frame);
        }

        _socket.TrySendMultipartMessage(message);
    });

    // Trading conveniences: change the terminal and send what the EA would.
    public long Open(string symbol, PositionSide side, double volume, double price, double sl = 0, double tp = 0)
    {
        var (ticket, messages) = Terminal.Open(symbol, side, volume, price, sl, tp);
        Send(messages);
        return ticket;
    }

    public void Modify(long ticket, double sl, double tp) => Send(Terminal.Modify(ticket, sl, tp));

    public void ClosePartial(long ticket, double volume, double price) => Send(Terminal.ClosePartial(ticket, volume, price));

    public void Close(long ticket, double price) => Send(Terminal.Close(ticket, price));

    public void CloseBy(long ticket, long opposite) => Send(Terminal.CloseBy(ticket, opposite));

    public long PlaceOrder(string symbol, PendingOrderType type, double volume, double price, double sl = 0, double tp = 0, double stopLimit = 0, long expirationMsc = 0)
    {
        var (ticket, messages) = Terminal.PlaceOrder(symbol, type, volume, price, sl, tp, stopLimit, expirationMsc);
        Send(messages);
        return ticket;
    }

    public void ModifyOrder(long ticket, double price, double sl, double tp) => Send(Terminal.ModifyOrder(ticket, price, sl, tp));

    public void CancelOrder(long ticket) => Send(Terminal.CancelOrder(ticket));

    public void FillOrder(long ticket, double price) => Send(Terminal.FillOrder(ticket, price));

    public void Dispose()
    {
        _poller.Stop();
        _poller.Dispose();
        _socket.Dispose();
        _work.Dispose();
    }

    private void Run(Action action) => _work.Enqueue(action);

    private DealerSocket NewSocket()
    {
        var socket = new DealerSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.ReceiveReady += (_, _) => DrainReplies();
        socket.Connect(_endpoint);
        return socket;
    }

    private void SayHello()
    {
        _seq = 0;
        SendNow(new Hello
        {
            EaVersion = _settings.EaVersion,
            Instance = _settings.Instance,
            PairingKey = _settings.PairingKey,
            ServerTimeMsc = Terminal.ServerTimeMsc,
            Account = Terminal.Account,
            Terminal = new TerminalInfo
            {
                Path = _settings.TerminalPath,
                DataPath = _settings.Instance.Split('|')[0],
                Build = 4620,
                Name = "MetaTrader 5 (simulated)",
                Connected = true,
                TradeAllowed = true,
            },
        });
    }

    private void SendSnapshotNow(string reason)
    {
        foreach (var evidence in _undeliveredEvidence)
        {
            SendNow(evidence);
        }

        _undeliveredEvidence.Clear();
        SendNow(Terminal.Snapshot(reason));
    }

    /// <summary>Stamps the message with this connection's session and next seq, and sends it.</summary>
    private void SendNow(EaMessage message)
    {
        var stamped = message with { Session = Session, Seq = ++_seq };
        // Block at the high-water mark like the EA's TCP send does, rather than drop (a drop would be a seq gap).
        _socket.SendFrame(ProtocolWriter.Write(stamped));
    }

    private void DrainReplies()
    {
        while (_socket.TryReceiveFrameBytes(out var frame))
        {
            var parsed = ProtocolReader.ReadRelayMessage(frame);
            if (parsed.Message is not { } message)
            {
                continue;
            }

            React(message);
            Received?.Invoke(message);
        }
    }

    private void React(RelayMessage message)
    {
        switch (message)
        {
            case Welcome welcome when welcome.Session == Session:
                LastWelcome = welcome;
                if (welcome.Accepted)
                {
                    _heartbeat.Interval = welcome.HeartbeatMs;
                    _heartbeat.Enable = _settings.AutoHeartbeat;
                    SendSnapshotNow("connect");
                }

                _welcome.TrySetResult(welcome);
                break;
            case Resync { Reason: ResyncReasons.UnknownSession }:
                Volatile.Write(ref _lastResyncReason, ResyncReasons.UnknownSession);
                Interlocked.Increment(ref _resyncs);
                Session = NextSessionId();
                _welcome = NewWelcomeSource();
                SayHello();
                break;
            case Resync resync:
                Volatile.Write(ref _lastResyncReason, resync.Reason);
                Interlocked.Increment(ref _resyncs);
                SendSnapshotNow("resync");
                break;
            case Lookup lookup when lookup.Session == Session:
                Interlocked.Increment(ref _lookups);
                foreach (var answer in Terminal.Lookup(lookup))
                {
                    SendNow(answer);
                }

                break;
            case HeartbeatReply:
                Interlocked.Increment(ref _heartbeatReplies);
                break;
        }
    }

    private string NextSessionId() => $"sim-{Terminal.Account.Login}-{Environment.ProcessId}-{++_sessionCounter}-{Random.Shared.Next():x8}";

    private static TaskCompletionSource<Welcome> NewWelcomeSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What the EA's inputs and environment would say in its hello.</summary>
public sealed record SimulatorSettings
{
    public string EaVersion { get; init; } = "0.1.0";

    /// <summary>Terminal data path + "|" + chart id; two simulators with different instances are two EAs.</summary>
    public string Instance { get; init; } = @"C:\Users\trader\AppData\Roaming\MetaQuotes\Terminal\SIMULATED|1";
    public string PairingKey { get; init; } = "";
    public string TerminalPath { get; init; } = @"C:\Program Files\MetaTrader 5";

    /// <summary>Send heartbeats on the interval the relay asks for (the demo); tests usually send them by hand.</summary>
    public bool AutoHeartbeat { get; init; }
}
