using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Terminal;
using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress;

/// <summary>
/// The session rules of docs/protocol.md: hello/welcome, seq and resync, one active master per account, timeouts.
/// Owner: the poller thread (<see cref="RouterEndpoint"/>'s). Frames, the sweep and the lookups all run there (the timers
/// only enqueue them), so the sessions and notes are plain dictionaries with no lock. Replies go to the turn's
/// <see cref="Replies"/>, sent when the turn ends; books it touched are marked for the page's next <see cref="BookViews"/>.
/// </summary>
internal sealed partial class SessionManager
{
    private const int MaxPeerNotes = 10_000;
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnknownSessionReplyEvery = TimeSpan.FromSeconds(1);

    // While the disk refuses writes, a resync per failed commit would have the EA send its whole state in a loop.
    private static readonly TimeSpan StoreFailureResyncEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, PeerSession> _sessions = [];
    private readonly Dictionary<string, PeerNotes> _notes = [];
    private readonly IngressOptions _options;
    private readonly IAllowedAccountProvider _accounts;
    private readonly SignalPipeline _pipeline;
    private readonly TerminalStatusTracker _status;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _relayVersion;
    private readonly IApiHealth _apiHealth;
    private readonly Replies _replies;
    private readonly BookViews _books;

    /// <param name="replies">Where replies go; the endpoint sends them at the end of the turn.</param>
    /// <param name="books">Told which books a message touched, for the page's view.</param>
    public SessionManager(
        IngressOptions options,
        IAllowedAccountProvider accounts,
        SignalPipeline pipeline,
        TerminalStatusTracker status,
        IngressMetrics metrics,
        TimeProvider time,
        ILogger logger,
        string relayVersion,
        IApiHealth apiHealth,
        Replies replies,
        BookViews books)
    {
        _options = options;
        _accounts = accounts;
        _pipeline = pipeline;
        _status = status;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _relayVersion = relayVersion;
        _apiHealth = apiHealth;
        _replies = replies;
        _books = books;
    }

    public int ActiveSessions => _sessions.Count;

    public void Handle(InboundFrame frame)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var notes = Notes(frame.PeerId, now);
        if (frame.Body is not { } body)
        {
            Malformed(frame, notes, now, $"a message must be one frame, this one had {frame.FrameCount}");
            return;
        }

        var parsed = ProtocolReader.ReadEaMessage(body.Span);
        if (parsed.Error is { } error)
        {
            if (error.Kind == ProtocolErrorKind.UnsupportedVersion && error.Type == "hello" && error.Session is { } session)
            {
                Refuse(frame, session, RefusalReasons.UnsupportedVersion, $"This EA speaks protocol version {error.Version}; the relay speaks {EaMessage.CurrentVersion}. Install matching versions of the EA and the relay.", loginForStatus: null);
                return;
            }

            Malformed(frame, notes, now, error.ToString());
            return;
        }

        var message = parsed.Message!;
        if (message is Hello hello)
        {
            OnHello(frame, hello, now);
            return;
        }

        if (!_sessions.TryGetValue(frame.PeerId, out var peer) || peer.SessionId != message.Session)
        {
            if (now - notes.LastUnknownSessionReplyMs >= UnknownSessionReplyEvery.TotalMilliseconds)
            {
                notes.LastUnknownSessionReplyMs = now;
                _metrics.ResyncSent();
                Reply(frame.Identity, new Resync { Session = message.Session, Reason = ResyncReasons.UnknownSession });
            }

            return;
        }

        OnSessionMessage(peer, message, now);
    }

    /// <summary>Ends sessions that went quiet; called about once a second.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var peer in _sessions.Values.Where(p => p.ResyncDue).ToList())
        {
            ResyncAfterStoreFailure(peer, now);
        }

        foreach (var (peerId, peer) in _sessions.Where(s => now - s.Value.LastMessageAtMs >= _options.TerminalTimeout.TotalMilliseconds).ToList())
        {
            _sessions.Remove(peerId);
            LogWentQuiet(peer.Login, _options.TerminalTimeout.TotalSeconds);
            _status.Set(TerminalStatus.Disconnected($"No message from the terminal for {_options.TerminalTimeout.TotalSeconds:0} s: is MetaTrader running with the EA attached?") with
            {
                Account = peer.Account,
                LastMessageAtMs = peer.LastMessageAtMs,
            });
        }

        foreach (var (peerId, notes) in _notes.Where(n => n.Value.MalformedSinceLog > 0 && now - n.Value.LastMalformedLogMs >= LogEvery.TotalMilliseconds))
        {
            LogMalformed(peerId, notes, now);
        }

        if (_notes.Count > MaxPeerNotes / 2)
        {
            foreach (var stale in _notes.Where(n => now - n.Value.LastSeenMs > LogEvery.TotalMilliseconds * 10).Select(n => n.Key).ToList())
            {
                _notes.Remove(stale);
            }
        }
    }

    private void OnHello(InboundFrame frame, Hello hello, long now)
    {
        var login = hello.Account.Login;
        if (!string.IsNullOrEmpty(_options.PairingKey) && !FixedTimeEquals(_options.PairingKey, hello.PairingKey))
        {
            Refuse(frame, hello.Session, RefusalReasons.BadPairingKey, "The EA's PairingKey input does not match the relay's Ingress:PairingKey.", login);
            return;
        }

        var allowed = _accounts.Current;
        if (allowed is null)
        {
            Refuse(frame, hello.Session, RefusalReasons.NotLoggedIn, "The relay is not logged in to the signal API yet: open its status page and log in.", login);
            return;
        }

        if (allowed.Login != login)
        {
            Refuse(frame, hello.Session, RefusalReasons.WrongAccount, $"Account {login} is not the account this relay serves ({allowed.Login}). Log this terminal in to account {allowed.Login}.", login);
            return;
        }

        var rival = _sessions.Values.FirstOrDefault(s => s.Login == login && !s.Identity.AsSpan().SequenceEqual(frame.Identity) && s.Instance != hello.Instance);
        if (rival is not null)
        {
            Refuse(frame, hello.Session, RefusalReasons.AnotherTerminalActive, $"Another MasterSender EA is already active for account {login} ({rival.Instance}). Remove one of them.", loginForStatus: null);
            return;
        }

        // The same EA instance coming back (re-initialised, or reconnected before its old connection timed out) takes over.
        foreach (var old in _sessions.Where(s => s.Value.Login == login).Select(s => s.Key).ToList())
        {
            _sessions.Remove(old);
        }

        var peer = new PeerSession(frame.Identity, hello, now);
        _sessions[frame.PeerId] = peer;
        _metrics.SessionAccepted();
        Reply(frame.Identity, new Welcome
        {
            Session = hello.Session,
            Accepted = true,
            HeartbeatMs = (int)_options.HeartbeatInterval.TotalMilliseconds,
            RelayVersion = _relayVersion,
        });
        LogConnected(login, hello.Account.Server, hello.EaVersion, hello.Terminal.Build);
        _pipeline.Stage(login, hello); // the trade server's clock, for the open-age rule; no signal
        _books.Touch(login);
        _status.Set(Connected(peer, _pipeline.BookFor(login), PathWarning(hello.Terminal, allowed)));
    }

    private void OnSessionMessage(PeerSession peer, EaMessage message, long now)
    {
        peer.LastMessageAtMs = now;

        // A repeat or an older message is never applied: a replayed position after its close would be a phantom
        // trade, a stale SL would roll a stop back. The terminal is alive, though, so it still counts as a message.
        if (message.Seq <= peer.LastSeq)
        {
            _metrics.ReplayDropped();
            if (!peer.ReplayLogged)
            {
                peer.ReplayLogged = true;
                LogReplayDropped(peer.Login, message.GetType().Name, message.Seq, peer.LastSeq);
            }

            return;
        }

        var expected = peer.LastSeq + 1;
        peer.LastSeq = message.Seq;
        if (message.Seq != expected)
        {
            LogSeqGap(peer.Login, expected, message.Seq);
            RequestSnapshot(peer, now, ResyncReasons.SeqGap);
        }

        switch (message)
        {
            case Heartbeat:
                var api = _apiHealth.Current;
                Reply(peer.Identity, new HeartbeatReply { Session = peer.SessionId, ApiOk = api.Ok, ApiError = api.Ok ? "" : api.Error });
                break;
            case Goodbye goodbye:
                _sessions.Remove(Convert.ToHexString(peer.Identity));
                LogGoodbye(peer.Login, goodbye.Reason);
                _status.Set(TerminalStatus.Disconnected($"The EA stopped ({goodbye.Reason}).") with { Account = peer.Account, LastMessageAtMs = now });
                break;
            default:
                ApplyState(peer, message, now);
                break;
        }
    }

    private void ApplyState(PeerSession peer, EaMessage message, long now)
    {
        if (message is Snapshot snapshot)
        {
            peer.AwaitingSnapshot = false;
            peer.Account = snapshot.Account;
            if (snapshot.DroppedItems.Count > 0)
            {
                DroppedItems(peer, snapshot.DroppedItems, now);
            }
        }

        _books.Touch(peer.Login);
        Core.Book.TradeBook book;
        try
        {
            var marks = _pipeline.BookFor(peer.Login).UnconfirmedMarks;
            _pipeline.Stage(peer.Login, message);
            book = _pipeline.BookFor(peer.Login);
            if (book.UnconfirmedMarks != marks)
            {
                SendLookup(peer, book);
            }
        }
#pragma warning disable CA1031 // Loading the stored book may fail in any way (disk full, locked file); the session must survive and recover.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogBookLoadFailed(exception, peer.Login);
            ResyncAfterStoreFailure(peer, now);
            return;
        }

        // peer.LastMessageAtMs is now already (OnSessionMessage set it): one new status, not a copy of it.
        _status.Set(Connected(peer, book, _status.Current.Warning));
    }

    /// <summary>Asks every terminal whose book holds unconfirmed items to look them up; called every
    /// <see cref="IngressOptions.LookupInterval"/>.</summary>
    public void SendLookups()
    {
        foreach (var peer in _sessions.Values.ToList())
        {
            Core.Book.TradeBook book;
            try
            {
                book = _pipeline.BookFor(peer.Login);
            }
#pragma warning disable CA1031 // A book that cannot be loaded now is asked about on a later tick; the ingress must go on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogLookupBookLoadFailed(exception, peer.Login);
                continue;
            }

            if (book.HasUnconfirmed)
            {
                SendLookup(peer, book);
            }
        }
    }

    private void SendLookup(PeerSession peer, Core.Book.TradeBook book)
    {
        var unconfirmed = book.Unconfirmed;
        _metrics.LookupSent();
        Reply(peer.Identity, new Lookup
        {
            Session = peer.SessionId,
            Positions = [.. unconfirmed.Where(u => u.Kind == Core.Book.UnconfirmedKinds.Position).Select(u => new LookupPosition(u.Ticket, u.Identifier))],
            Orders = [.. unconfirmed.Where(u => u.Kind == Core.Book.UnconfirmedKinds.Order).Select(u => u.Ticket)],
        });
    }

    private void DroppedItems(PeerSession peer, IReadOnlyList<ProtocolError> dropped, long now)
    {
        _metrics.ItemsDropped(dropped.Count);
        peer.DroppedItemsSinceLog += dropped.Count;
        if (now - peer.LastDroppedItemsLogMs >= LogEvery.TotalMilliseconds)
        {
            LogItemsDropped(peer.Login, peer.DroppedItemsSinceLog, _metrics.DroppedItemsSoFar, dropped[0].ToString());
            peer.LastDroppedItemsLogMs = now;
            peer.DroppedItemsSinceLog = 0;
        }
    }

    /// <summary>
    /// Makes what <see cref="Handle"/> staged durable, and announces it. A terminal whose state could not be stored
    /// is asked for a snapshot, which derives the lost signals again.
    /// </summary>
    public void CommitStaged()
    {
        foreach (var failure in _pipeline.CommitStaged())
        {
            LogStoreFailed(failure.Error, failure.Login);
            _books.Touch(failure.Login); // the unstored book is forgotten: the page shows the stored one again
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var peer in _sessions.Values.Where(peer => peer.Login == failure.Login).ToList())
            {
                ResyncAfterStoreFailure(peer, now);
            }
        }
    }

    /// <summary>Asks for the state again at once, or, if the last request was under a second ago, on a later sweep.</summary>
    private void ResyncAfterStoreFailure(PeerSession peer, long now)
    {
        if (now - peer.LastResyncAtMs < StoreFailureResyncEvery.TotalMilliseconds)
        {
            peer.ResyncDue = true;
            return;
        }

        peer.ResyncDue = false;
        RequestSnapshot(peer, now, ResyncReasons.StorageFailed, force: true);
    }

    private void RequestSnapshot(PeerSession peer, long now, string reason, bool force = false)
    {
        // While a snapshot is on its way, further gaps need no second request, but a lost request is repeated.
        if (!force && peer.AwaitingSnapshot && now - peer.LastResyncAtMs < UnknownSessionReplyEvery.TotalMilliseconds)
        {
            return;
        }

        peer.AwaitingSnapshot = true;
        peer.LastResyncAtMs = now;
        _metrics.ResyncSent();
        Reply(peer.Identity, new Resync { Session = peer.SessionId, Reason = reason });
    }

    private void Refuse(InboundFrame frame, string session, string reason, string text, long? loginForStatus)
    {
        _metrics.SessionRefused();
        Reply(frame.Identity, new Welcome
        {
            Session = session,
            Accepted = false,
            Reason = reason,
            Message = text,
            HeartbeatMs = (int)_options.HeartbeatInterval.TotalMilliseconds,
            RelayVersion = _relayVersion,
        });

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var notes = Notes(frame.PeerId, now);
        if (now - notes.LastRefusalLogMs >= LogEvery.TotalMilliseconds)
        {
            notes.LastRefusalLogMs = now;
            LogRefused(reason, text);
        }

        // A refused terminal is what the user sees only when no accepted one is connected.
        if (loginForStatus is not null && _sessions.Count == 0)
        {
            _status.Set(TerminalStatus.Disconnected("Refused: " + text));
        }
    }

    private void Malformed(InboundFrame frame, PeerNotes notes, long now, string reason)
    {
        _metrics.MalformedFrame();
        notes.MalformedSinceLog++;
        notes.LastMalformedReason = reason;
        if (now - notes.LastMalformedLogMs >= LogEvery.TotalMilliseconds)
        {
            LogMalformed(frame.PeerId, notes, now);
        }
    }

    // The count covers every frame since the peer's last line; the sweep writes what a flood left unreported.
    private void LogMalformed(string peerId, PeerNotes notes, long now)
    {
        LogMalformedFrames(notes.MalformedSinceLog, peerId, _metrics.MalformedSoFar, notes.LastMalformedReason);
        notes.LastMalformedLogMs = now;
        notes.MalformedSinceLog = 0;
    }

    private PeerNotes Notes(string peerId, long now)
    {
        if (!_notes.TryGetValue(peerId, out var notes))
        {
            if (_notes.Count >= MaxPeerNotes)
            {
                // A flood of fresh connections: forget the oldest notes rather than grow without bound.
                foreach (var oldest in _notes.OrderBy(n => n.Value.LastSeenMs).Take(MaxPeerNotes / 10).Select(n => n.Key).ToList())
                {
                    _notes.Remove(oldest);
                }
            }

            notes = new PeerNotes();
            _notes[peerId] = notes;
        }

        notes.LastSeenMs = now;
        return notes;
    }

    private void Reply(byte[] identity, RelayMessage message) =>
        _replies.Send(new OutboundFrame(identity, ProtocolWriter.Write(message)));

    private static TerminalStatus Connected(PeerSession peer, Core.Book.TradeBook book, string warning) => new()
    {
        Connected = true,
        Account = peer.Account,
        OpenPositions = book.Positions.Count,
        PendingOrders = book.Orders.Count,
        TerminalPath = peer.Hello.Terminal.Path,
        DataPath = peer.Hello.Terminal.DataPath,
        TerminalBuild = peer.TerminalBuild,
        EaVersion = peer.Hello.EaVersion,
        LastMessageAtMs = peer.LastMessageAtMs,
        Warning = warning,
    };

    private static string PathWarning(TerminalInfo terminal, AllowedAccount allowed) =>
        RegisteredTerminal.Warning(allowed.Mt5Path, terminal.Path, terminal.DataPath);

    private static bool FixedTimeEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(actual));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {Login} went quiet: no message for {TimeoutSeconds} s")]
    private partial void LogWentQuiet(long login, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Terminal {Login} on {Server} connected (EA {EaVersion}, terminal build {Build})")]
    private partial void LogConnected(long login, string server, string eaVersion, long build);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {Login}: dropped a {Type} with seq {Seq}, at or below the last applied seq {LastSeq}; later ones on this session are only counted (ingress.replayed)")]
    private partial void LogReplayDropped(long login, string type, long seq, long lastSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {Login}: expected seq {Expected}, got {Seq}; asking for a snapshot")]
    private partial void LogSeqGap(long login, long expected, long seq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Terminal {Login} said goodbye ({Reason})")]
    private partial void LogGoodbye(long login, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the stored book of terminal {Login}; asking for a snapshot to derive it again")]
    private partial void LogBookLoadFailed(Exception exception, long login);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the stored book of terminal {Login} to look up its unconfirmed items")]
    private partial void LogLookupBookLoadFailed(Exception exception, long login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Terminal {Login}: left out {Count} invalid item(s) of its snapshots ({Total} in all, ingress.dropped_items), applied the rest: {Reason}")]
    private partial void LogItemsDropped(long login, int count, long total, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the state of terminal {Login}; asking for a snapshot to derive it again")]
    private partial void LogStoreFailed(Exception exception, long login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a terminal ({Reason}): {Explanation}")]
    private partial void LogRefused(string reason, string explanation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} malformed frame(s) from peer {Peer} since its last report ({Total} from all peers since start); the last: {Reason}")]
    private partial void LogMalformedFrames(int count, string peer, long total, string? reason);
}
