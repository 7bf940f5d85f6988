using MasterSender.Core.Signals;

namespace MasterSender.Broadcast.Tests;

/// <summary>An API that issues tokens but answers 401 to every broadcast (issue 12, item 4).</summary>
public sealed class LoginStormTests
{
    [Fact]
    public async Task UnauthorizedOnEveryBroadcast_LogsInOncePerEpisode_ThenBacksOff_WithTheReasonShown()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var loginsBefore = api.State.Logins;
        api.State.Faults.RefuseBroadcastTokens = true;

        relay.Commit(Enumerable.Range(1, 200).Select(ticket => Signals.Make(ticket, 1, SignalAction.Modify, relay.NowMs)).ToList());
        var until = relay.NowMs + 40_000;
        while (relay.NowMs < until)
        {
            await Eventually.TrueAsync(() => api.State.InFlight == 0, "the API idle");
            relay.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }

        // One re-login for the episode, then one after the 30 s back-off; before, every refused signal logged in.
        Assert.InRange(api.State.Logins - loginsBefore, 1, 2);
        Assert.Contains("401", relay.Session.LastError, StringComparison.Ordinal);
        Assert.Contains("next login in", relay.Session.LastError, StringComparison.Ordinal);
        Assert.Equal(0, relay.Outbox.Counts().Sent);

        api.State.Faults.RefuseBroadcastTokens = false;
        await Eventually.TrueAsync(() => relay.Outbox.Counts().Sent == 200, "all sent once the API takes the token", relay.Time, TimeSpan.FromSeconds(1));
    }
}
