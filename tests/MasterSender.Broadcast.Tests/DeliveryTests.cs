using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Broadcast.Tests;

public sealed class DeliveryTests : IAsyncLifetime
{
    private SandboxServer _api = null!;

    public async Task InitializeAsync() => _api = await SandboxServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task Received(int count) =>
        Eventually.True(() => _api.State.Signals.Count >= count, $"{count} signals at the API (have {_api.State.Signals.Count})");

    [Fact]
    public async Task Every_signal_arrives_once_with_a_signature_the_API_verifies()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);

        relay.Commit([.. Enumerable.Range(1, 20).Select(t => relay.SignalNow(t))]);

        await Received(20);
        await Eventually.True(() => relay.Outbox.Counts().Sent == 20, "all marked sent");
        Assert.Equal(0, _api.State.BadSignatures);
        Assert.Equal(0, _api.State.Duplicates);
        var first = _api.State.Signals.First(s => s.Ticket == 1);
        Assert.Equal("OPEN", first.Action);
        Assert.Equal($"{SandboxServer.AllowedLogin}-P1-1", first.IdempotencyKey);
    }

    [Fact]
    public async Task Signals_of_one_ticket_arrive_in_order()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);

        relay.Commit(
            relay.SignalNow(7, SignalAction.Open, 1),
            relay.SignalNow(7, SignalAction.Modify, 2),
            relay.SignalNow(8, SignalAction.Open, 1),
            relay.SignalNow(7, SignalAction.PartialClose, 3),
            relay.SignalNow(7, SignalAction.Close, 4));

        await Received(5);
        Assert.Equal(["OPEN", "MODIFY", "PARTIAL_CLOSE", "CLOSE"], _api.State.Signals.Where(s => s.Ticket == 7).Select(s => s.Action));
    }

    [Fact]
    public async Task When_the_API_is_down_everything_arrives_afterwards_in_order_and_once()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.Down = true;

        for (var revision = 1; revision <= 5; revision++)
        {
            relay.Commit(relay.SignalNow(100, revision == 1 ? SignalAction.Open : SignalAction.Modify, revision), relay.SignalNow(200 + revision));
        }

        await Eventually.True(() => relay.Outbox.Counts().Retrying >= 1, "attempts failing while the API is down");
        _api.State.Faults.Down = false;
        relay.Time.Advance(TimeSpan.FromSeconds(5));

        await Received(10);
        await Eventually.True(() => relay.Outbox.Counts().Sent == 10, "all marked sent");
        Assert.Equal(Enumerable.Range(1, 5).Select(r => $"{SandboxServer.AllowedLogin}-P100-{r}"), _api.State.Signals.Where(s => s.Ticket == 100).Select(s => s.IdempotencyKey));
        Assert.Equal(0, _api.State.Duplicates);
    }

    [Fact]
    public async Task A_503_is_retried_after_a_backoff_and_the_retry_is_signed_afresh()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.FailNext(1, 503);

        relay.Commit(relay.SignalNow(1, SignalAction.Close));
        await Eventually.True(() => relay.Outbox.Counts().Retrying == 1, "the first attempt to fail");
        var pending = relay.Outbox.Recent(1)[0];
        Assert.Equal(1, pending.Attempts);
        Assert.Contains("503", pending.LastError, StringComparison.Ordinal);
        Assert.InRange(pending.NextAttemptAtMs - relay.Time.GetUtcNow().ToUnixTimeMilliseconds(), 300, 700);

        relay.Time.Advance(TimeSpan.FromSeconds(1));

        await Received(1);
        Assert.Equal(0, _api.State.BadSignatures);
        await Eventually.True(() => relay.Outbox.Recent(1)[0] is { State: DeliveryState.Sent, Attempts: 2 }, "sent on the second attempt");
    }

    [Fact]
    public async Task A_429_waits_for_its_Retry_After()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.ThrottleNext(1, TimeSpan.FromSeconds(7));

        relay.Commit(relay.SignalNow(1, SignalAction.Close));
        await Eventually.True(() => relay.Outbox.Counts().Retrying == 1, "the throttled attempt");
        var now = relay.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(7_000, relay.Outbox.Recent(1)[0].NextAttemptAtMs - now);

        relay.Time.Advance(TimeSpan.FromSeconds(6));
        await Task.Yield();
        Assert.Empty(_api.State.Signals);
        relay.Time.Advance(TimeSpan.FromSeconds(1));

        await Received(1);
    }

    [Fact]
    public async Task An_expired_token_is_renewed_once_and_the_signal_goes_through()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        relay.Commit(relay.SignalNow(1));
        await Received(1);

        _api.State.ExpireTokens();
        relay.Commit(relay.SignalNow(2), relay.SignalNow(3), relay.SignalNow(4));

        await Received(4);
        Assert.Equal(2, _api.State.Logins);
        Assert.Equal(0, _api.State.BadSignatures);
    }

    [Fact]
    public async Task A_4xx_rejection_is_kept_with_the_servers_message_and_not_retried()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.FailNext(1, 422);

        relay.Commit(relay.SignalNow(1, SignalAction.Close));

        await Eventually.True(() => relay.Outbox.Counts().Rejected == 1, "the rejection");
        var entry = relay.Outbox.Recent(1)[0];
        Assert.Contains("422", entry.LastError, StringComparison.Ordinal);
        Assert.Contains("Injected failure", entry.LastError, StringComparison.Ordinal);
        relay.Time.Advance(TimeSpan.FromMinutes(10));
        relay.Commit(relay.SignalNow(2, SignalAction.Close));
        await Received(1);
        Assert.Equal(2, _api.State.Signals.Single().Ticket);
    }

    [Fact]
    public async Task An_answer_that_is_not_JSON_still_counts_as_sent_when_the_status_is_2xx()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.MalformedBroadcastAnswers = true;

        relay.Commit(relay.SignalNow(1));

        await Eventually.True(() => relay.Outbox.Counts().Sent == 1, "sent");
    }

    [Fact]
    public async Task An_OPEN_that_could_not_be_sent_in_time_expires_but_the_CLOSE_is_sent()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);
        _api.State.Faults.Down = true;
        relay.Commit(relay.SignalNow(1, SignalAction.Open, 1), relay.SignalNow(1, SignalAction.Close, 2), relay.SignalNow(2, SignalAction.OrderPlaced));
        await Eventually.True(() => relay.Outbox.Counts().Retrying >= 1, "the failing first attempt");

        relay.Time.Advance(TimeSpan.FromSeconds(45));
        _api.State.Faults.Down = false;
        relay.Delivery.Wake();

        await Received(1);
        await Eventually.True(() => relay.Outbox.Counts().Expired == 2, "OPEN and ORDER_PLACED expired");
        Assert.Equal("CLOSE", _api.State.Signals.Single().Action);
        Assert.Contains("MaxOpenAge", relay.Outbox.Recent(3).First(e => e.Action == "OPEN").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signal_for_an_account_the_API_does_not_allow_is_rejected_not_sent()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);

        relay.Outbox.Commit(777, [relay.SignalNow(1, login: 777)], "{}");
        relay.Delivery.Wake();

        await Eventually.True(() => relay.Outbox.Counts().Rejected == 1, "the rejection");
        Assert.Contains("777", relay.Outbox.Recent(1)[0].LastError, StringComparison.Ordinal);
        Assert.Empty(_api.State.Signals);
    }

    [Fact]
    public async Task Nothing_is_sent_before_login_and_everything_after()
    {
        await using var relay = await DeliveryHost.StartAsync(_api, login: false);
        relay.Commit(relay.SignalNow(1, SignalAction.Close));
        await Eventually.True(() => relay.Outbox.Recent(1)[0].LastError is not null, "the wait for a login");

        var error = await relay.Session.LoginAsync(SandboxServer.User, SandboxServer.Password, CancellationToken.None);

        Assert.Null(error);
        await Received(1);
    }
}
