namespace MasterSender.Ingress;

/// <summary>
/// How much the poller thread does in one turn, the one rule behind every batch cap of the ingress. The poller is the
/// only thread that handles messages, commits them, runs the timers' work and sends replies, so whatever it does in a
/// turn delays the rest: a flood from one EA must not hold back the first signal of a batch (commit), the replies
/// (welcome, resync, heartbeat) or the sweep and lookups. Everything a turn staged is committed, published to the page
/// and replied to at the end of the turn, before the next one starts (a turn that neither replied nor stored anything,
/// only moved prices, leaves the page's book view to a timer at most <see cref="BookViews.PublishEvery"/> later).
/// </summary>
internal static class PollerTurn
{
    /// <summary>Messages read from the ROUTER per turn before the replies and the queued work get their go.</summary>
    public const int MaxInboundMessages = 512;

    /// <summary>Messages applied per commit. Group commit: what queued up while the last commit was on disk goes in one
    /// transaction, but a flood still commits every this many, so the first signal of a burst is not held back long.</summary>
    public const int MaxMessagesPerCommit = 256;

    /// <summary>Timer work items (sweep, lookups, book loads for the page) run per turn; they come once a second or so.</summary>
    public const int MaxWorkItems = 16;
}
