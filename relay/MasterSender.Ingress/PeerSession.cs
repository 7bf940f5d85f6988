using MasterSender.Core.Protocol;

namespace MasterSender.Ingress;

/// <summary>What the relay remembers of one accepted EA connection (one ROUTER identity). Owner: the poller thread
/// (<see cref="SessionManager"/>).</summary>
internal sealed class PeerSession(byte[] identity, Hello hello, long nowMs)
{
    public byte[] Identity { get; } = identity;
    public string SessionId { get; } = hello.Session;
    public string Instance { get; } = hello.Instance;
    public long Login { get; } = hello.Account.Login;
    public Hello Hello { get; } = hello;

    /// <summary>The terminal's build as the status shows it, formatted once: the status is rebuilt on every message.</summary>
    public string TerminalBuild { get; } = hello.Terminal.Build.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public long LastSeq { get; set; } = hello.Seq;
    public long LastMessageAtMs { get; set; } = nowMs;

    /// <summary>A resync was asked for and no snapshot has come since.</summary>
    public bool AwaitingSnapshot { get; set; } = true;
    public long LastResyncAtMs { get; set; } = long.MinValue / 2;

    /// <summary>Storing this terminal's state failed again within a second of the last resync: the sweep asks later.</summary>
    public bool ResyncDue { get; set; }
    public AccountInfo Account { get; set; } = hello.Account;

    /// <summary>A replayed message was logged for this session; later ones are only counted.</summary>
    public bool ReplayLogged { get; set; }
    public long LastDroppedItemsLogMs { get; set; } = long.MinValue / 2;
    public int DroppedItemsSinceLog { get; set; }
}

/// <summary>Per-peer bookkeeping for peers without a session: rate limits for answers and logs. Owner: the poller
/// thread (<see cref="SessionManager"/>).</summary>
internal sealed class PeerNotes
{
    public long LastUnknownSessionReplyMs { get; set; } = long.MinValue / 2;
    public long LastMalformedLogMs { get; set; } = long.MinValue / 2;
    public long LastRefusalLogMs { get; set; } = long.MinValue / 2;
    public int MalformedSinceLog { get; set; }
    public string? LastMalformedReason { get; set; }
    public long LastSeenMs { get; set; }
}
