using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Broadcast.Tests;

public sealed class HistoryCleanerTests
{
    [Fact]
    public async Task FinishedSignals_OlderThanKeepHistory_AreRemovedHourly_ButAPendingOneNever()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Storage:KeepHistory"] = "1.00:00:00", ["Signals:MaxOpenAge"] = "30.00:00:00" });
        var cleaner = relay.Cleaner;
        var removed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cleaner.Cleaned += count =>
        {
            if (count > 0)
            {
                removed.TrySetResult(count);
            }
        };
        relay.Commit([Signals.Make(1, 1, SignalAction.Open, relay.NowMs), Signals.Make(2, 1, SignalAction.Open, relay.NowMs)]);
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 2, "both sent");
        api.State.Faults.Down = true;
        relay.Commit([Signals.Make(3, 1, SignalAction.Open, relay.NowMs)]);
        await Eventually.TrueAsync(() => relay.Outbox.Recent(1)[0].Attempts > 0, "the third failed once", relay.Time);

        relay.Time.Advance(TimeSpan.FromHours(25));

        Assert.Equal(2, await removed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var left = Assert.Single(relay.Outbox.Recent(10));
        Assert.Equal(("5001-P3-1", OutboxState.Pending), (left.IdempotencyKey, left.State));
    }
}
