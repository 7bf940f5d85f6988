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
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, Now())], Signals.NoBook);

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-1", next.Next!.IdempotencyKey);
        Assert.False(next.MoreQueued);
    }

    [Fact]
    public async Task ASignalWithAnotherBehindItSaysSo()
    {
        using var outbox = Create();
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, Now()), Signals.Make(1, 2, SignalAction.Modify, Now())], Signals.NoBook);

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal("5001-P1-1", next.Next!.IdempotencyKey);
        Assert.True(next.MoreQueued);
    }

    [Fact]
    public async Task AConflatedRunSaysWhetherAnythingFollowsIt()
    {
        var path = NewPath();
        using var outbox = new SqliteOutbox(path, Time);
        QueueAsAnOlderRelayDid(path, (1, 1, "MODIFY"), (1, 2, "MODIFY"), (2, 1, "MODIFY"), (2, 2, "MODIFY"), (2, 3, "CLOSE"));

        var alone = await outbox.NextToSendAsync(Signals.Login, 1);
        var followed = await outbox.NextToSendAsync(Signals.Login, 2);

        Assert.Equal("5001-P1-2", alone.Next!.IdempotencyKey);
        Assert.False(alone.MoreQueued);
        Assert.Equal("5001-P2-2", followed.Next!.IdempotencyKey);
        Assert.True(followed.MoreQueued);
    }

    // Runs of queued changes are left only by relays before outbox version 3 (the writer now replaces a queued change
    // in its row); an upgraded relay still sends such a run's newest and retires the rest.
    [Fact]
    public async Task AConflatedRunStaysPendingUntilItsNewestOutcomeIsStored_ThenIsSupersededWithIt()
    {
        var path = NewPath();
        using var outbox = new SqliteOutbox(path, Time);
        QueueAsAnOlderRelayDid(path, (1, 1, "MODIFY"), (1, 2, "MODIFY"), (1, 3, "MODIFY"));

        var (next, superseded) = await outbox.NextToSendAsync(Signals.Login, 1);
        var beforeOutcome = outbox.Counts();
        await outbox.MarkSentAsync(next!, attempts: 1, latencyMs: 5);

        Assert.Equal(["5001-P1-1", "5001-P1-2"], superseded.Select(old => old.IdempotencyKey));
        Assert.Equal(new OutboxCounts(Pending: 3, Sent: 0, Rejected: 0, Expired: 0), beforeOutcome);
        Assert.Equal(new OutboxCounts(Pending: 0, Sent: 1, Rejected: 0, Expired: 0, Superseded: 2), outbox.Counts());
        Assert.Equal("5001-P1-3", Assert.Single(outbox.Recent(10, OutboxState.Sent)).IdempotencyKey);
    }

    [Fact]
    public async Task AFailedSendOfARunsNewestRetiresTheRun_AndTheNewestKeepsTheFailure()
    {
        var path = NewPath();
        using var outbox = new SqliteOutbox(path, Time);
        QueueAsAnOlderRelayDid(path, (1, 1, "MODIFY"), (1, 2, "MODIFY"));

        var next = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        await outbox.RecordFailureAsync(next, attempts: 1, "503", nextAttemptAtMs: Now() + 1_000);
        var again = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 0, Rejected: 0, Expired: 0, Superseded: 1), outbox.Counts());
        Assert.Equal("5001-P1-2", again.Next!.IdempotencyKey);
        Assert.Equal(1, again.Next.Attempts);
        Assert.Equal(Now() + 1_000, again.Next.NextAttemptAtMs);
        Assert.Empty(again.Superseded);
    }

    [Fact]
    public async Task AnEmptyQueueHasNothingToSend()
    {
        using var outbox = Create();

        var next = await outbox.NextToSendAsync(Signals.Login, 1);

        Assert.Null(next.Next);
        Assert.False(next.MoreQueued);
    }

    private static SqliteOutbox Create() => new(NewPath(), Time);

    private static string NewPath() => Path.Combine(TempDirectory.Create(), "outbox.db");

    /// <summary>Pending rows one per change, as a relay before outbox version 3 queued them.</summary>
    private static void QueueAsAnOlderRelayDid(string path, params (long Ticket, int Revision, string Action)[] changes)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        foreach (var (ticket, revision, action) in changes)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO signals (idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms) VALUES ($key, $login, $ticket, $action, '{}', 'pending', $now, $now)";
            insert.Parameters.AddWithValue("$key", $"{Signals.Login}-P{ticket}-{revision}");
            insert.Parameters.AddWithValue("$login", Signals.Login);
            insert.Parameters.AddWithValue("$ticket", ticket);
            insert.Parameters.AddWithValue("$action", action);
            insert.Parameters.AddWithValue("$now", Now());
            insert.ExecuteNonQuery();
        }
    }

    private static long Now() => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
