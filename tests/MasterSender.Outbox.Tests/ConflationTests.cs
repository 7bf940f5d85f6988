using MasterSender.Core.Signals;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Outbox.Tests;

/// <summary>The outbox's half of conflation: a queued SL/TP change is replaced by the next one of the same ticket, so
/// a follower gets the newest state without every step; nothing else is ever replaced, and a back-off is kept. The
/// delivery's half (what the API receives) is in MasterSender.Broadcast.Tests.</summary>
public sealed class ConflationTests
{
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));

    [Fact]
    public async Task AQueuedSlTpChange_IsReplacedByTheNextOne_InOneRowThatCountsWhatItAbsorbed()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now())], Signals.NoBook);
        outbox.Commit(Signals.Login, [Signals.Make(1, 2, SignalAction.Modify, Now()), Signals.Make(1, 3, SignalAction.Modify, Now())], Signals.NoBook);

        var (next, superseded) = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-3", next!.IdempotencyKey);
        Assert.Equal(Core.Canonical.CanonicalJson.Serialize(Signals.Make(1, 3, SignalAction.Modify, Now()).ToPayload()), next.Body);
        Assert.Empty(superseded);
        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 0, Rejected: 0, Expired: 0) { Replaced = 2 }, outbox.Counts());
    }

    [Fact]
    public void OnlyTheSameKindOfChange_OfTheSameTicket_RightBehind_IsReplaced()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login,
        [
            Signals.Make(1, 1, SignalAction.Open, Now()),
            Signals.Make(1, 2, SignalAction.Modify, Now()),
            Signals.Make(1, 3, SignalAction.PartialClose, Now()),
            Signals.Make(1, 4, SignalAction.Modify, Now()),
            Signals.Make(2, 1, SignalAction.Modify, Now()),
            Signals.Make(1, 5, SignalAction.Modify, Now()),
            Signals.Make(3, 1, SignalAction.OrderPlaced, Now()),
            Signals.Make(3, 2, SignalAction.OrderModified, Now()),
            Signals.Make(3, 3, SignalAction.OrderModified, Now()),
            Signals.Make(1, 6, SignalAction.Close, Now()),
            Signals.Make(1, 7, SignalAction.Close, Now()),
        ], Signals.NoBook);

        Assert.Equal(
            ["5001-P1-1", "5001-P1-2", "5001-P1-3", "5001-P1-5", "5001-P2-1", "5001-P3-1", "5001-P3-3", "5001-P1-6", "5001-P1-7"],
            outbox.Recent(20, OutboxState.Pending).OrderBy(s => s.Id).Select(s => s.IdempotencyKey));
        Assert.Equal(2, outbox.Counts().Replaced);
    }

    [Fact]
    public void AChangeCommittedTwice_IsQueuedOnce_AndNotCountedAsReplaced()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now())], Signals.NoBook);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now())], Signals.NoBook);

        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 0, Rejected: 0, Expired: 0), outbox.Counts());
    }

    [Fact]
    public async Task TheReplacingChangeKeepsTheBackOff_SoConflationNeverHammersAFailingApi()
    {
        using var outbox = Create();
        var now = Now();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, now)], Signals.NoBook);
        var first = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        await outbox.RecordFailureAsync(first, attempts: 3, "503", nextAttemptAtMs: now + 4_000);
        outbox.Commit(Signals.Login, [Signals.Make(1, 2, SignalAction.Modify, now)], Signals.NoBook);

        var next = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;

        Assert.Equal(("5001-P1-2", 3, now + 4_000), (next.IdempotencyKey, next.Attempts, next.NextAttemptAtMs));
        Assert.Equal(1, outbox.Counts().Pending);
    }

    [Fact]
    public async Task AChangeSentWhileANewerOneTookItsRow_IsRecordedAsSent_AndTheNewerOneStaysQueued()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now())], Signals.NoBook);
        var inFlight = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        outbox.Commit(Signals.Login, [Signals.Make(1, 2, SignalAction.Modify, Now()), Signals.Make(1, 3, SignalAction.Modify, Now())], Signals.NoBook);

        await outbox.MarkSentAsync(inFlight, attempts: 1, latencyMs: 4);

        var sent = Assert.Single(outbox.Recent(10, OutboxState.Sent));
        Assert.Equal(("5001-P1-1", inFlight.Body, 4L), (sent.IdempotencyKey, sent.Body, sent.LatencyMs!.Value));
        Assert.Equal("5001-P1-3", (await outbox.NextToSendAsync(Signals.Login, 1)).Next!.IdempotencyKey);
        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 1, Rejected: 0, Expired: 0) { Replaced = 1 }, outbox.Counts());
    }

    [Fact]
    public async Task AChangeRefusedWhileANewerOneTookItsRow_IsRecordedAsRejected_AndTheNewerOneStillGoes()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now())], Signals.NoBook);
        var inFlight = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        outbox.Commit(Signals.Login, [Signals.Make(1, 2, SignalAction.Modify, Now())], Signals.NoBook);

        await outbox.MarkRejectedAsync(inFlight, attempts: 1, "422: sl invalid");

        Assert.Equal("5001-P1-1", Assert.Single(outbox.Recent(10, OutboxState.Rejected)).IdempotencyKey);
        Assert.Equal("5001-P1-2", (await outbox.NextToSendAsync(Signals.Login, 1)).Next!.IdempotencyKey);
    }

    private static SqliteOutbox Create() => new(Path.Combine(TempDirectory.Create(), "outbox.db"), Time);

    private static long Now() => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
