using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Broadcast.Tests;

/// <summary>A trailing stop behind a slow API: the follower gets the newest SL/TP, not every step in between.</summary>
public sealed class ConflationTests
{
    [Fact]
    public async Task SlMovesQueuedBehindASlowSend_GoAsTheNewestOnly_AndTheOthersCountAsReplaced()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var release = new TaskCompletionSource();
        api.State.Faults.HoldBroadcasts = release.Task;
        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);
        await Eventually.TrueAsync(() => api.State.Faults.Held == 1, "the first move in flight");

        relay.Commit(Enumerable.Range(2, 5).Select(revision => Signals.Make(1, revision, SignalAction.Modify, relay.NowMs)).ToList());
        api.State.Faults.HoldBroadcasts = null;
        release.SetResult();

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Pending == 0, "queue empty");
        Assert.Equal(["5001-P1-1", "5001-P1-6"], api.State.Received.Select(s => s.IdempotencyKey));
        Assert.Equal(new OutboxCounts(Pending: 0, Sent: 2, Rejected: 0, Expired: 0) { Replaced = 4 }, relay.Outbox.Counts());
        Assert.Equal(["5001-P1-1", "5001-P1-6"], relay.Outbox.Recent(10).Select(s => s.IdempotencyKey).Order());
        Assert.Equal(0, api.State.BadSignatures);
    }

    [Fact]
    public async Task AnythingButAnSlTpChange_IsNeverSkipped_NorMergedAcross()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var release = new TaskCompletionSource();
        api.State.Faults.HoldBroadcasts = release.Task;
        relay.Commit([Signals.Make(1, 1, SignalAction.Open, relay.NowMs)]);
        await Eventually.TrueAsync(() => api.State.Faults.Held == 1, "the OPEN in flight");

        relay.Commit(
        [
            Signals.Make(1, 2, SignalAction.Modify, relay.NowMs),
            Signals.Make(1, 3, SignalAction.Modify, relay.NowMs),
            Signals.Make(1, 4, SignalAction.PartialClose, relay.NowMs),
            Signals.Make(1, 5, SignalAction.PartialClose, relay.NowMs),
            Signals.Make(1, 6, SignalAction.Modify, relay.NowMs),
            Signals.Make(1, 7, SignalAction.Close, relay.NowMs),
        ]);
        api.State.Faults.HoldBroadcasts = null;
        release.SetResult();

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Pending == 0, "queue empty");
        Assert.Equal(["5001-P1-1", "5001-P1-3", "5001-P1-4", "5001-P1-5", "5001-P1-6", "5001-P1-7"], api.State.Received.Select(s => s.IdempotencyKey));
        Assert.Equal(1, relay.Outbox.Counts().Replaced);
        Assert.Empty(relay.Outbox.Recent(10, OutboxState.Superseded));
    }
}
