using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MasterSender.Broadcast.Tests;

public sealed class DeliveryTests
{
    [Fact]
    public async Task Burst_ArrivesOncePerKey_InOrderPerTicket_AndEverySignatureVerifies()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        var burst = Signals.Burst(tickets: 20, perTicket: 5, relay.NowMs).ToList();

        relay.Commit(burst);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == burst.Count, "all sent");
        AssertDeliveredExactlyOnceInOrder(api, burst);
        Assert.Equal(0, api.State.Duplicates);
        Assert.Equal(new OutboxCounts(0, burst.Count, 0, 0), relay.Outbox.Counts());
    }

    [Fact]
    public async Task CommitsWakingOnlyTheirTickets_AreAllDelivered_InOrder()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.BroadcastDelay = TimeSpan.FromMilliseconds(2);
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var burst = Signals.Burst(tickets: 20, perTicket: 5, relay.NowMs).ToList();

        // One commit per signal, as a terminal's single updates arrive, most while their ticket's worker is busy.
        foreach (var signal in burst)
        {
            relay.CommitAndNotifyTickets([signal]);
        }

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == burst.Count, "all sent");
        AssertDeliveredExactlyOnceInOrder(api, burst);
    }

    [Fact]
    public async Task ApiDownForAWhile_EverythingArrivesAfterwards_InOrder_NothingTwice()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.Down = true;
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Signals:MaxOpenAge"] = "01:00:00" });
        var burst = Signals.Burst(tickets: 10, perTicket: 4, relay.NowMs).ToList();

        relay.Commit(burst);
        await Eventually.TrueAsync(() => relay.Outbox.Recent(100).Any(s => s.Attempts > 0), "a failed attempt", relay.Time);
        Assert.Equal(0, api.State.ReceivedCount);
        Assert.Matches("unreachable|circuit open", relay.Outbox.Recent(100).First(s => s.LastError is not null).LastError);

        api.State.Faults.Down = false;
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == burst.Count, "all sent after the outage", relay.Time, TimeSpan.FromSeconds(1));
        AssertDeliveredExactlyOnceInOrder(api, burst);
    }

    [Fact]
    public async Task ServiceUnavailable_IsRetried_UntilSent()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        api.State.Faults.FailNext(6);

        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "sent after 503s", relay.Time);
        Assert.Equal(6, api.State.Faults.Injected);
        Assert.Equal(1, api.State.ReceivedCount);
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_IsRetried()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.RetryAfterSeconds = 1;
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        api.State.Faults.TooManyRequestsNext(2);

        relay.Commit([Signals.Make(1, 1, SignalAction.Close, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "sent after 429s", relay.Time);
        Assert.Equal(2, api.State.Faults.Injected);
        Assert.Equal(1, api.State.ReceivedCount);
    }

    [Fact]
    public async Task HangingApi_TimesOut_AndTheSignalGoesOnceTheApiAnswers()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Api:MaxRetries"] = "0" });
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var release = new TaskCompletionSource();
        api.State.Faults.HoldBroadcasts = release.Task;

        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Recent(1)[0].LastError?.Contains("timed out", StringComparison.Ordinal) == true, "a timeout recorded", relay.Time, TimeSpan.FromSeconds(2));
        api.State.Faults.HoldBroadcasts = null;
        release.SetResult();
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "sent once the API answers", relay.Time, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ExpiredToken_LeadsToOneFreshLogin_AndTheSignalIsSent()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        var first = await relay.Session.GetTokenAsync(CancellationToken.None);
        api.State.ExpireTokens();

        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "sent after re-login", relay.Time);
        Assert.NotEqual(first, await relay.Session.GetTokenAsync(CancellationToken.None));
        Assert.Equal(1, relay.Outbox.Recent(1)[0].Attempts);
        Assert.Equal(0, api.State.BadSignatures);
    }

    [Fact]
    public async Task MalformedJsonAnswers_DoNotLoseTheSignal()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.MalformedNext(2);
        await using var relay = await RelayHarness.StartAsync(api.Url);

        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "sent despite malformed login answers", relay.Time);
        Assert.Equal(2, api.State.Faults.Injected);
        Assert.Equal(1, api.State.ReceivedCount);
    }

    [Fact]
    public async Task RefusedSignal_IsRejectedWithTheServersMessage_AndNeverRetried()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.Refuse = key => key.EndsWith("-1", StringComparison.Ordinal);
        await using var relay = await RelayHarness.StartAsync(api.Url);

        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs), Signals.Make(1, 2, SignalAction.Close, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts() is { Rejected: 1, Sent: 1 }, "one rejected, the next of the ticket sent", relay.Time);
        var rejected = relay.Outbox.Recent(10, OutboxState.Rejected).Single();
        Assert.Contains("422", rejected.LastError, StringComparison.Ordinal);
        Assert.Contains("not tradable", rejected.LastError, StringComparison.Ordinal);
        var calls = api.State.BroadcastCalls;
        relay.Time.Advance(TimeSpan.FromMinutes(10));
        relay.Delivery.Notify();
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Pending == 0, "nothing pending");
        Assert.Equal(calls, api.State.BroadcastCalls);
    }

    [Fact]
    public async Task StaleOpen_IsExpiredVisibly_ButTheCloseIsAlwaysSent()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        var old = relay.NowMs - (long)TimeSpan.FromMinutes(5).TotalMilliseconds;

        relay.Commit([Signals.Make(1, 1, SignalAction.Open, old), Signals.Make(1, 2, SignalAction.Close, old), Signals.Make(2, 1, SignalAction.Open, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts() is { Expired: 1, Sent: 2 }, "stale open expired, the rest sent");
        var expired = relay.Outbox.Recent(10, OutboxState.Expired).Single();
        Assert.Equal("5001-P1-1", expired.IdempotencyKey);
        Assert.Contains("Signals:MaxOpenAge", expired.LastError, StringComparison.Ordinal);
        Assert.Equal(["5001-P1-2", "5001-P2-1"], api.State.Received.Select(s => s.IdempotencyKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task HundredTickets_GoInParallel_NotOneAfterAnother()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.BroadcastDelay = TimeSpan.FromMilliseconds(50);
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Signals:MaxParallelDeliveries"] = "100" });
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var burst = Signals.Burst(tickets: 100, perTicket: 1, relay.NowMs).ToList();

        relay.Commit(burst);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 100, "100 sent");
        // Counted at the API, not timed: each answer takes 50 ms, so one ticket after another never has two at once,
        // however slow or loaded the machine.
        Assert.True(api.State.PeakInFlight >= 10, $"at most {api.State.PeakInFlight} broadcasts were in flight at once");
    }

    [Fact]
    public async Task CompletedSubscriberThatThrows_IsLogged_AndDeliveryGoesOn_WithoutWaitingForARetry()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        var announced = 0;
        relay.Delivery.Completed += (_, _) =>
        {
            Interlocked.Increment(ref announced);
            throw new InvalidOperationException("a subscriber's bug");
        };
        var burst = Signals.Burst(tickets: 3, perTicket: 4, relay.NowMs).ToList();

        relay.Commit(burst);

        // The fake clock stands still: nothing may wait for a retry because a subscriber failed.
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == burst.Count, "all sent although every announcement threw");
        AssertDeliveredExactlyOnceInOrder(api, burst);
        await Eventually.TrueAsync(() => Volatile.Read(ref announced) == burst.Count, "every completion announced");

        // The dispatcher still runs: a later commit is delivered too.
        var later = Signals.Make(9, 1, SignalAction.Open, relay.NowMs);
        relay.CommitAndNotifyTickets([later]);
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == burst.Count + 1, "a later signal sent");
    }

    [Fact]
    public async Task OneSlot_ABusyTicket_TakesTurnsWithTheOthers()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Signals:MaxParallelDeliveries"] = "1" });
        await relay.Session.GetTokenAsync(CancellationToken.None);
        // Ticket 1 holds five signals that cannot be merged, ticket 2 one; with one slot, ticket 2 must not wait for all five.
        var busy = Enumerable.Range(1, 5).Select(revision => Signals.Make(1, revision, revision % 2 == 1 ? SignalAction.Modify : SignalAction.PartialClose, relay.NowMs)).ToList();
        var other = Signals.Make(2, 1, SignalAction.Close, relay.NowMs);

        relay.CommitAndNotifyTickets([.. busy, other]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == busy.Count + 1, "all sent");
        AssertDeliveredExactlyOnceInOrder(api, [.. busy, other]);
        var order = api.State.Received.OrderBy(s => s.Sequence).Select(s => s.IdempotencyKey).ToList();
        Assert.True(order.IndexOf(other.IdempotencyKey) < order.IndexOf(busy[^1].IdempotencyKey), string.Join(", ", order));
    }

    [Fact]
    public async Task ARowTheDispatcherCannotRead_IsLogged_AndDeliveryGoesOnOnceItIsGone()
    {
        await using var api = await SandboxServer.StartAsync();
        var logs = new CapturedLogs();
        await using var relay = await RelayHarness.StartAsync(api.Url, configure: builder => builder.Logging.AddProvider(logs));
        await relay.Session.GetTokenAsync(CancellationToken.None);

        // A pending row whose attempts do not fit an int: every full scan of the outbox fails while it is there.
        Execute(relay, $"INSERT INTO signals (idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, attempts) VALUES ('bad', {Signals.Login}, 999, 'MODIFY', '{{}}', 'pending', 0, 0, 1099511627776)");
        relay.Delivery.Notify();
        await Eventually.TrueAsync(() => logs.Contains("Planning delivery failed"), "the dispatcher's failure logged");

        Execute(relay, "DELETE FROM signals WHERE idempotency_key = 'bad'");
        relay.Commit([Signals.Make(1, 1, SignalAction.Open, relay.NowMs)]);
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 1, "the next commit is delivered, without waiting for a retry");
        Assert.Equal(1, api.State.ReceivedCount);
    }

    private static void Execute(RelayHarness relay, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={relay.Outbox.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static void AssertDeliveredExactlyOnceInOrder(SandboxServer api, IReadOnlyList<Signal> expected)
    {
        Assert.Equal(0, api.State.BadSignatures);
        var received = api.State.Received;
        Assert.Equal(expected.Select(s => s.IdempotencyKey).Order(StringComparer.Ordinal), received.Select(s => s.IdempotencyKey).Order(StringComparer.Ordinal));
        foreach (var ticket in received.GroupBy(s => s.Ticket))
        {
            var keys = ticket.OrderBy(s => s.Sequence).Select(s => s.IdempotencyKey).ToList();
            var inCommitOrder = expected.Where(s => s.MasterTicket == ticket.Key).Select(s => s.IdempotencyKey).ToList();
            Assert.Equal(inCommitOrder, keys);
        }
    }
}
