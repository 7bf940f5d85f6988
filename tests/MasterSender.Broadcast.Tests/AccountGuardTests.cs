using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Broadcast.Tests;

public sealed class AccountGuardTests
{
    [Fact]
    public async Task TerminalOfAnotherAccount_IsRefusedWithTheReason()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);

        Assert.False(relay.Session.CheckTerminal(5001, null).Allowed);
        Assert.NotNull(await relay.Session.GetTokenAsync(CancellationToken.None));

        var wrong = relay.Session.CheckTerminal(6002, null);
        Assert.False(wrong.Allowed);
        Assert.Contains("6002 is not the account allowed for this user (5001)", wrong.Reason, StringComparison.Ordinal);
        Assert.True(relay.Session.CheckTerminal(5001, null).Allowed);
    }

    [Fact]
    public async Task TerminalPath_DifferentFromMt5Path_IsReportedNotRefused()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);

        var same = relay.Session.CheckTerminal(5001, @"c:\program files\metatrader 5\terminal64.exe");
        var other = relay.Session.CheckTerminal(5001, @"D:\Other\terminal64.exe");

        Assert.False(same.PathMismatch);
        Assert.True(other is { Allowed: true, PathMismatch: true });
        Assert.Contains("mt5_path", other.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedAccount_IsKnownAfterRestart_BeforeTheApiAnswers()
    {
        await using var api = await SandboxServer.StartAsync();
        var directory = TempDirectory.Create();
        await using (var first = await RelayHarness.StartAsync(api.Url, directory))
        {
            await first.Session.GetTokenAsync(CancellationToken.None);
        }

        api.State.Faults.Down = true;
        await using var restarted = await RelayHarness.StartAsync(api.Url, directory);

        Assert.Equal(5001, restarted.Session.Current?.Login);
        Assert.False(restarted.Session.CheckTerminal(6002, null).Allowed);
    }

    [Fact]
    public async Task SignalsOfAnAccountNoLongerAllowed_AreRejected_NotSent()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.AllowedMt5Id = 6002;
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);

        relay.Commit([Signals.Make(1, 1, SignalAction.Close, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Rejected == 1, "rejected");
        Assert.Contains("not the account allowed", relay.Outbox.Recent(1, OutboxState.Rejected)[0].LastError, StringComparison.Ordinal);
        Assert.Equal(0, api.State.ReceivedCount);
    }

    [Fact]
    public async Task WrongPassword_IsVisible_AndTheStatusPageLoginFixesIt()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Api:Password"] = "wrong" });

        Assert.Null(await relay.Session.GetTokenAsync(CancellationToken.None));
        Assert.Contains("Login refused", relay.Session.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", relay.Session.LastError, StringComparison.Ordinal);

        Assert.True(await relay.Session.LoginAsync("master", "secret", CancellationToken.None));
        Assert.Null(relay.Session.LastError);
        Assert.Equal(7, relay.Session.Profile?.Id);
        Assert.Equal(3, relay.Session.Profile?.ActiveClients);
    }
}
