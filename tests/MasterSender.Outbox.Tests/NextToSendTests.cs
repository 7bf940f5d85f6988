using MasterSender.Core.Signals;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Outbox.Tests;

/// <summary>Whether a ticket's next signal says more wait behind it: delivery ends the ticket's turns on "no", so a
/// wrong "no" would leave a queued signal unsent until the next commit on that ticket.</summary>
public sealed class NextToSendTests
{
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));

    [Fact]
    public async Task ALoneSignalSaysNothingFollows()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, Now())], "{}");

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-1", next.Next!.IdempotencyKey);
        Assert.False(next.MoreQueued);
    }

    [Fact]
    public async Task ASignalWithAnotherBehindItSaysSo()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, Now()), Signals.Make(1, 2, SignalAction.Modify, Now())], "{}");

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-1", next.Next!.IdempotencyKey);
        Assert.True(next.MoreQueued);
    }

    [Fact]
    public async Task AConflatedRunSaysWhetherAnythingFollowsIt()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Modify, Now()), Signals.Make(1, 2, SignalAction.Modify, Now())], "{}");
        outbox.Commit(Signals.Login, [Signals.Make(2, 1, SignalAction.Modify, Now()), Signals.Make(2, 2, SignalAction.Modify, Now()), Signals.Make(2, 3, SignalAction.Close, Now())], "{}");

        var alone = await outbox.NextToSendAsync(Signals.Login, 1);
        var followed = await outbox.NextToSendAsync(Signals.Login, 2);

        Assert.Equal("5001-P1-2", alone.Next!.IdempotencyKey);
        Assert.False(alone.MoreQueued);
        Assert.Equal("5001-P2-2", followed.Next!.IdempotencyKey);
        Assert.True(followed.MoreQueued);
    }

    [Fact]
    public async Task AnEmptyQueueHasNothingToSend()
    {
        using var outbox = Create();

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Null(next.Next);
        Assert.False(next.MoreQueued);
    }

    private static SqliteOutbox Create() => new(Path.Combine(TempDirectory.Create(), "outbox.db"), Time);

    private static long Now() => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
