using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Terminal;
using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress;

/// <summary>
/// The session rules of docs/protocol.md: hello/welcome, seq and resync, one active master per account, timeouts.
/// Runs on the socket thread, or the sweep timer, always under the ingress lock, so it keeps plain dictionaries.
/// </summary>
internal sealed class SessionManager(
    IngressOptions options,
    IAllowedAccountProvider accounts,
    SignalPipeline pipeline,
    TerminalStatusTracker status,
    IngressMetrics metrics,
    TimeProvider time,
    ILogger logger,
    string relayVersion,
    IApiHealth apiHealth)
{
    private const int MaxPeerNotes = 10_000;
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnknownSessionReplyEvery = TimeSpan.FromSeconds(1);

    // While the disk refuses writes, a resync per failed commit would have the EA send its whole state in a loop.
    private static readonly TimeSpan StoreFailureResyncEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, PeerSession> _sessions = [];
    private readonly Dictionary<string, PeerNotes> _notes = [];

    public int ActiveSessions => _sessions.Count;

    public void Handle(InboundFrame frame, Action<OutboundFrame> send)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var notes = Notes(frame.PeerId, now);
        if (frame.Body is null)
        {
            Malformed(frame, notes, now, $"a message must be one frame, this one had {frame.FrameCount}");
            return;
        }

        var parsed = ProtocolReader.ReadEaMessage(frame.Body);
        if (parsed.Error is { } error)
        {
            if (error.Kind == ProtocolErrorKind.UnsupportedVersion && error.Type == "hello" && error.Session is { } session)
            {
                Refuse(frame, session, RefusalReasons.UnsupportedVersion, $"This EA speaks protocol version {error.Version}; the relay speaks {EaMessage.CurrentVersion}. Install matching versions of the EA and the relay.", send, loginForStatus: null);
                return;
            }

            Malformed(frame, notes, now, error.ToString());
            return;
        }

        var message = parsed.Message!;
        if (message is Hello hello)
        {
            OnHello(frame, hello, now, send);
            return;
        }

        if (!_sessions.TryGetValue(frame.PeerId, out var peer) || peer.SessionId != message.Session)
        {
            if (now - notes.LastUnknownSessionReplyMs >= UnknownSessionReplyEvery.TotalMilliseconds)
            {
                notes.LastUnknownSessionReplyMs = now;
                metrics.ResyncSent();
                Reply(frame.Identity, new Resync { Session = message.Session, Reason = ResyncReasons.UnknownSession }, send);
            }

            return;
        }

        OnSessionMessage(peer, message, now, send);
    }

    /// <summary>Ends sessions that went quiet; called about once a second.</summary>
    public void Sweep(Action<OutboundFrame> send)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var peer in _sessions.Values.Where(p => p.ResyncDue).ToList())
        {
            ResyncAfterStoreFailure(peer, now, send);
        }

        foreach (var (peerId, peer) in _sessions.Where(s => now - s.Value.LastMessageAtMs >= options.TerminalTimeout.TotalMilliseconds).ToList())
        {
            _sessions.Remove(peerId);
            logger.LogWarning("Terminal {Login} went quiet: no message for {TimeoutSeconds} s", peer.Login, options.TerminalTimeout.TotalSeconds);
            status.Set(TerminalStatus.Disconnected($"No message from the terminal for {options.TerminalTimeout.TotalSeconds:0} s: is MetaTrader running with the EA attached?") with
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

    private void OnHello(InboundFrame frame, Hello hello, long now, Action<OutboundFrame> send)
    {
        var login = hello.Account.Login;
        if (!string.IsNullOrEmpty(options.PairingKey) && !FixedTimeEquals(options.PairingKey, hello.PairingKey))
        {
            Refuse(frame, hello.Session, RefusalReasons.BadPairingKey, "The EA's PairingKey input does not match the relay's Ingress:PairingKey.", send, login);
            return;
        }

        var allowed = accounts.Current;
        if (allowed is null)
        {
            Refuse(frame, hello.Session, RefusalReasons.NotLoggedIn, "The relay is not logged in to the signal API yet: open its status page and log in.", send, login);
            return;
        }

        if (allowed.Login != login)
        {
            Refuse(frame, hello.Session, RefusalReasons.WrongAccount, $"Account {login} is not the account this relay serves ({allowed.Login}). Log this terminal in to account {allowed.Login}.", send, login);
            return;
        }

        var rival = _sessions.Values.FirstOrDefault(s => s.Login == login && !s.Identity.AsSpan().SequenceEqual(frame.Identity) && s.Instance != hello.Instance);
        if (rival is not null)
        {
            Refuse(frame, hello.Session, RefusalReasons.AnotherTerminalActive, $"Another MasterSender EA is already active for account {login} ({rival.Instance}). Remove one of them.", send, loginForStatus: null);
            return;
        }

        // The same EA instance coming back (re-initialised, or reconnected before its old connection timed out) takes over.
        foreach (var old in _sessions.Where(s => s.Value.Login == login).Select(s => s.Key).ToList())
        {
            _sessions.Remove(old);
        }

        var peer = new PeerSession(frame.Identity, hello, now);
        _sessions[frame.PeerId] = peer;
        metrics.SessionAccepted();
        Reply(frame.Identity, new Welcome
        {
            Session = hello.Session,
            Accepted = true,
            HeartbeatMs = (int)options.HeartbeatInterval.TotalMilliseconds,
            RelayVersion = relayVersion,
        }, send);
        logger.LogInformation("Terminal {Login} on {Server} connected (EA {EaVersion}, terminal build {Build})", login, hello.Account.Server, hello.EaVersion, hello.Terminal.Build);
        pipeline.Stage(login, hello); // the trade server's clock, for the open-age rule; no signal
        status.Set(Connected(peer, pipeline.BookFor(login), PathWarning(hello.Terminal, allowed)));
    }

    private void OnSessionMessage(PeerSession peer, EaMessage message, long now, Action<OutboundFrame> send)
    {
        peer.LastMessageAtMs = now;

        // A repeat or an older message is never applied: a replayed position after its close would be a phantom
        // trade, a stale SL would roll a stop back. The terminal is alive, though, so it still counts as a message.
        if (message.Seq <= peer.LastSeq)
        {
            metrics.ReplayDropped();
            if (!peer.ReplayLogged)
            {
                peer.ReplayLogged = true;
                logger.LogWarning("Terminal {Login}: dropped a {Type} with seq {Seq}, at or below the last applied seq {LastSeq}; later ones on this session are only counted (ingress.replayed)", peer.Login, message.GetType().Name, message.Seq, peer.LastSeq);
            }

            return;
        }

        var expected = peer.LastSeq + 1;
        peer.LastSeq = message.Seq;
        if (message.Seq != expected)
        {
            logger.LogWarning("Terminal {Login}: expected seq {Expected}, got {Seq}; asking for a snapshot", peer.Login, expected, message.Seq);
            RequestSnapshot(peer, now, send, ResyncReasons.SeqGap);
        }

        switch (message)
        {
            case Heartbeat:
                var api = apiHealth.Current;
                Reply(peer.Identity, new HeartbeatReply { Session = peer.SessionId, ApiOk = api.Ok, ApiError = api.Ok ? "" : api.Error }, send);
                break;
            case Goodbye goodbye:
                _sessions.Remove(Convert.ToHexString(peer.Identity));
                logger.LogInformation("Terminal {Login} said goodbye ({Reason})", peer.Login, goodbye.Reason);
                status.Set(TerminalStatus.Disconnected($"The EA stopped ({goodbye.Reason}).") with { Account = peer.Account, LastMessageAtMs = now });
                break;
            default:
                ApplyState(peer, message, now, send);
                break;
        }
    }

    private void ApplyState(PeerSession peer, EaMessage message, long now, Action<OutboundFrame> send)
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

        Core.Book.TradeBook book;
        try
        {
            var marks = pipeline.BookFor(peer.Login).UnconfirmedMarks;
            pipeline.Stage(peer.Login, message);
            book = pipeline.BookFor(peer.Login);
            if (book.UnconfirmedMarks != marks)
            {
                SendLookup(peer, book, send);
            }
        }
#pragma warning disable CA1031 // Loading the stored book may fail in any way (disk full, locked file); the session must survive and recover.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogError(exception, "Could not load the stored book of terminal {Login}; asking for a snapshot to derive it again", peer.Login);
            ResyncAfterStoreFailure(peer, now, send);
            return;
        }

        var current = status.Current;
        status.Set(Connected(peer, book, current.Warning) with { LastMessageAtMs = now });
    }

    /// <summary>Asks every terminal whose book holds unconfirmed items to look them up; called every
    /// <see cref="IngressOptions.LookupInterval"/>.</summary>
    public void SendLookups(Action<OutboundFrame> send)
    {
        foreach (var peer in _sessions.Values.ToList())
        {
            Core.Book.TradeBook book;
            try
            {
                book = pipeline.BookFor(peer.Login);
            }
#pragma warning disable CA1031 // A book that cannot be loaded now is asked about on a later tick; the ingress must go on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogError(exception, "Could not load the stored book of terminal {Login} to look up its unconfirmed items", peer.Login);
                continue;
            }

            if (book.HasUnconfirmed)
            {
                SendLookup(peer, book, send);
            }
        }
    }

    private void SendLookup(PeerSession peer, Core.Book.TradeBook book, Action<OutboundFrame> send)
    {
        var unconfirmed = book.Unconfirmed;
        metrics.LookupSent();
        Reply(peer.Identity, new Lookup
        {
            Session = peer.SessionId,
            Positions = [.. unconfirmed.Where(u => u.Kind == Core.Book.UnconfirmedKinds.Position).Select(u => new LookupPosition(u.Ticket, u.Identifier))],
            Orders = [.. unconfirmed.Where(u => u.Kind == Core.Book.UnconfirmedKinds.Order).Select(u => u.Ticket)],
        }, send);
    }

    private void DroppedItems(PeerSession peer, IReadOnlyList<ProtocolError> dropped, long now)
    {
        metrics.ItemsDropped(dropped.Count);
        peer.DroppedItemsSinceLog += dropped.Count;
        if (now - peer.LastDroppedItemsLogMs >= LogEvery.TotalMilliseconds)
        {
            logger.LogWarning("Terminal {Login}: left out {Count} invalid item(s) of its snapshots ({Total} in all, ingress.dropped_items), applied the rest: {Reason}", peer.Login, peer.DroppedItemsSinceLog, metrics.DroppedItems, dropped[0].ToString());
            peer.LastDroppedItemsLogMs = now;
            peer.DroppedItemsSinceLog = 0;
        }
    }

    /// <summary>
    /// Makes what <see cref="Handle"/> staged durable, and announces it. A terminal whose state could not be stored
    /// is asked for a snapshot, which derives the lost signals again.
    /// </summary>
    public void CommitStaged(Action<OutboundFrame> send)
    {
        foreach (var failure in pipeline.CommitStaged())
        {
            logger.LogError(failure.Error, "Could not store the state of terminal {Login}; asking for a snapshot to derive it again", failure.Login);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var peer in _sessions.Values.Where(peer => peer.Login == failure.Login).ToList())
            {
                ResyncAfterStoreFailure(peer, now, send);
            }
        }
    }

    /// <summary>Asks for the state again at once, or, if the last request was under a second ago, on a later sweep.</summary>
    private void ResyncAfterStoreFailure(PeerSession peer, long now, Action<OutboundFrame> send)
    {
        if (now - peer.LastResyncAtMs < StoreFailureResyncEvery.TotalMilliseconds)
        {
            peer.ResyncDue = true;
            return;
        }

        peer.ResyncDue = false;
        RequestSnapshot(peer, now, send, ResyncReasons.SeqGap, force: true);
    }

    private void RequestSnapshot(PeerSession peer, long now, Action<OutboundFrame> send, string reason, bool force = false)
    {
        // While a snapshot is on its way, further gaps need no second request, but a lost request is repeated.
        if (!force && peer.AwaitingSnapshot && now - peer.LastResyncAtMs < UnknownSessionReplyEvery.TotalMilliseconds)
        {
            return;
        }

        peer.AwaitingSnapshot = true;
        peer.LastResyncAtMs = now;
        metrics.ResyncSent();
        Reply(peer.Identity, new Resync { Session = peer.SessionId, Reason = reason }, send);
    }

    private void Refuse(InboundFrame frame, string session, string reason, string text, Action<OutboundFrame> send, long? loginForStatus)
    {
        metrics.SessionRefused();
        Reply(frame.Identity, new Welcome
        {
            Session = session,
            Accepted = false,
            Reason = reason,
            Message = text,
            HeartbeatMs = (int)options.HeartbeatInterval.TotalMilliseconds,
            RelayVersion = relayVersion,
        }, send);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var notes = Notes(frame.PeerId, now);
        if (now - notes.LastRefusalLogMs >= LogEvery.TotalMilliseconds)
        {
            notes.LastRefusalLogMs = now;
            logger.LogWarning("Refused a terminal ({Reason}): {Explanation}", reason, text);
        }

        // A refused terminal is what the user sees only when no accepted one is connected.
        if (loginForStatus is not null && _sessions.Count == 0)
        {
            status.Set(TerminalStatus.Disconnected("Refused: " + text));
        }
    }

    private void Malformed(InboundFrame frame, PeerNotes notes, long now, string reason)
    {
        metrics.MalformedFrame();
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
        logger.LogWarning(
            "Dropped {Count} malformed frame(s) from peer {Peer} since its last report ({Total} from all peers since start); the last: {Reason}",
            notes.MalformedSinceLog, peerId, metrics.Malformed, notes.LastMalformedReason);
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

    private static void Reply(byte[] identity, RelayMessage message, Action<OutboundFrame> send) =>
        send(new OutboundFrame(identity, ProtocolWriter.Write(message)));

    private static TerminalStatus Connected(PeerSession peer, Core.Book.TradeBook book, string warning) => new()
    {
        Connected = true,
        Account = peer.Account,
        OpenPositions = book.Positions.Count,
        PendingOrders = book.Orders.Count,
        TerminalPath = peer.Hello.Terminal.Path,
        DataPath = peer.Hello.Terminal.DataPath,
        TerminalBuild = peer.Hello.Terminal.Build.ToString(System.Globalization.CultureInfo.InvariantCulture),
        EaVersion = peer.Hello.EaVersion,
        LastMessageAtMs = peer.LastMessageAtMs,
        Warning = warning,
    };

    private static string PathWarning(TerminalInfo terminal, AllowedAccount allowed) =>
        RegisteredTerminal.Warning(allowed.Mt5Path, terminal.Path, terminal.DataPath);

    private static bool FixedTimeEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(actual));
}
