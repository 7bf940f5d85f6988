using MasterSender.Core.Signals;

namespace MasterSender.Outbox.Tests;

/// <summary>The outbox's half of conflation: which of a ticket's queued SL/TP changes goes next, and with what back-off.
/// The delivery's half (what the API receives) is in MasterSender.Broadcast.Tests.</summary>
public sealed class ConflationTests
{
    [Fact]
    public async Task TheNewestChangeInheritsTheBackOff_SoConflationNeverHammersAFailingApi()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));
        using var outbox = new SqliteOutbox(Path.Combine(TempDirectory.Create(), "outbox.db"), time);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, now)], "{}");
        var first = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        await outbox.RecordFailureAsync(first.Id, attempts: 3, "503", nextAttemptAtMs: now + 4_000);
        outbox.Commit(Signals.Login, [Signals.Make(1, 2, SignalAction.Modify, now)], "{}");

        var (next, superseded) = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-2", next!.IdempotencyKey);
        Assert.Equal(3, next.Attempts);
        Assert.Equal(now + 4_000, next.NextAttemptAtMs);
        Assert.Equal("5001-P1-1", Assert.Single(superseded).IdempotencyKey);
        Assert.Equal(next, (await outbox.NextToSendAsync(Signals.Login, 1)).Next);
    }
}
