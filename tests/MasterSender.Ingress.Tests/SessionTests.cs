using MasterSender.Core.Accounts;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using MasterSender.Simulator;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Ingress.Tests;

public sealed class SessionTests
{
    private static SimulatorSettings OtherTerminal => new() { Instance = @"C:\Users\trader\AppData\Roaming\MetaQuotes\Terminal\OTHER|7" };

    [Fact]
    public async Task A_second_terminal_for_the_same_account_is_refused_visibly()
    {
        await using var relay = await IngressHost.StartAsync();
        await relay.ConnectedSimulatorAsync();

        var second = relay.Simulator(settings: OtherTerminal);
        var welcome = await second.ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.False(welcome.Accepted);
        Assert.Equal(RefusalReasons.AnotherTerminalActive, welcome.Reason);
        Assert.Contains("SIMULATED", welcome.Message, StringComparison.Ordinal); // names the active one, so the user can find it
        Assert.True(relay.Status.Current.Connected, "the first terminal stays the master");
        Assert.Equal(1, relay.Metrics.SessionsRefused);
    }

    [Fact]
    public async Task The_second_terminal_is_accepted_once_the_first_says_goodbye()
    {
        await using var relay = await IngressHost.StartAsync();
        var first = await relay.ConnectedSimulatorAsync();
        first.SendGoodbye("chart_closed");
        await Eventually.True(() => !relay.Status.Current.Connected, "the first terminal to be disconnected");
        Assert.Contains("chart_closed", relay.Status.Current.Reason, StringComparison.Ordinal);

        var welcome = await relay.Simulator(settings: OtherTerminal).ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.True(welcome.Accepted, welcome.Message);
    }

    [Fact]
    public async Task The_same_EA_instance_reconnecting_takes_over_its_old_session()
    {
        await using var relay = await IngressHost.StartAsync();
        var first = await relay.ConnectedSimulatorAsync();

        var again = relay.Simulator();
        var welcome = await again.ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.True(welcome.Accepted, welcome.Message);
        Assert.Equal(1, relay.Ingress.ActiveSessions);
    }

    [Fact]
    public async Task A_terminal_with_another_login_is_refused_as_wrong_account()
    {
        await using var relay = await IngressHost.StartAsync();

        var welcome = await relay.Simulator(login: 777).ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.False(welcome.Accepted);
        Assert.Equal(RefusalReasons.WrongAccount, welcome.Reason);
        Assert.Contains("777", welcome.Message, StringComparison.Ordinal);
        Assert.Contains(IngressHost.Login.ToString(System.Globalization.CultureInfo.InvariantCulture), welcome.Message, StringComparison.Ordinal);
        Assert.False(relay.Status.Current.Connected);
        Assert.Contains("not the account", relay.Status.Current.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_account_never_produces_a_signal_even_if_it_sends_state()
    {
        await using var relay = await IngressHost.StartAsync();
        var intruder = relay.Simulator(login: 777);
        await intruder.ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        intruder.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        intruder.SendSnapshot();
        await Eventually.True(() => intruder.ResyncsReceived > 0, "the relay to answer the session-less messages with resync");

        Assert.Empty(relay.Journal.Signals);
    }

    [Fact]
    public async Task A_relay_that_has_not_logged_in_refuses_with_that_reason_then_accepts_after_login()
    {
        await using var relay = await IngressHost.StartAsync();
        relay.Account.Current = null;

        var terminal = relay.Simulator();
        var refused = await terminal.ConnectAsync().WaitAsync(Eventually.DefaultTimeout);
        relay.Account.Current = new AllowedAccount(IngressHost.Login, null);
        var accepted = await terminal.ReconnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(RefusalReasons.NotLoggedIn, refused.Reason);
        Assert.True(accepted.Accepted);
    }

    [Fact]
    public async Task A_pairing_key_must_match_when_configured()
    {
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:PairingKey"] = "s3cret" });

        var wrong = await relay.Simulator(settings: new SimulatorSettings { PairingKey = "guess" }).ConnectAsync().WaitAsync(Eventually.DefaultTimeout);
        var right = await relay.Simulator(settings: new SimulatorSettings { PairingKey = "s3cret" }).ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(RefusalReasons.BadPairingKey, wrong.Reason);
        Assert.DoesNotContain("s3cret", wrong.Message, StringComparison.Ordinal);
        Assert.True(right.Accepted, right.Message);
    }

    [Fact]
    public async Task A_terminal_path_other_than_the_registered_one_is_reported()
    {
        await using var relay = await IngressHost.StartAsync();

        await relay.Simulator(settings: new SimulatorSettings { TerminalPath = @"D:\Other MT5" }).ConnectAsync().WaitAsync(Eventually.DefaultTimeout);

        await Eventually.True(() => relay.Status.Current.Connected, "connected");
        Assert.Contains(@"D:\Other MT5", relay.Status.Current.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeats_are_answered()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync();

        terminal.SendHeartbeat();

        await Eventually.True(() => terminal.HeartbeatRepliesReceived == 1, "a heartbeat reply");
    }

    [Fact]
    public async Task A_terminal_that_goes_quiet_is_marked_disconnected_after_the_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var relay = await IngressHost.StartAsync(time: time);
        var terminal = await relay.ConnectedSimulatorAsync();
        Assert.True(relay.Status.Current.Connected);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(relay.Status.Current.Connected, "4 s of silence is within the 5 s timeout");
        time.Advance(TimeSpan.FromSeconds(2));

        await Eventually.True(() => !relay.Status.Current.Connected, "the terminal to be marked disconnected");
        Assert.Contains("No message", relay.Status.Current.Reason, StringComparison.Ordinal);
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.ResyncsReceived == 1, "a resync telling the EA to say hello again");
        await Eventually.True(() => relay.Status.Current.Connected, "the EA to be welcomed again");
    }

    [Fact]
    public async Task While_storing_keeps_failing_the_terminal_is_asked_for_its_state_once_a_second_not_in_a_loop()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var relay = await IngressHost.StartAsync(time: time);
        var terminal = await relay.ConnectedSimulatorAsync();
        relay.Journal.Failing = true;

        terminal.Open("EURUSD", PositionSide.Buy, 1.0, 1.085);
        await Eventually.True(() => terminal.ResyncsReceived == 1, "a resync for the state that could not be stored");
        // The simulator answers with a snapshot, which fails to store too; more state in the same second changes nothing.
        terminal.SendSnapshot("changed");
        var replies = terminal.HeartbeatRepliesReceived;
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.HeartbeatRepliesReceived > replies, "the relay to have handled every earlier message");
        Assert.Equal(1, terminal.ResyncsReceived);

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => terminal.ResyncsReceived == 2, "the next resync, from the sweep a second later");

        relay.Journal.Failing = false;
        terminal.SendSnapshot("changed");
        Assert.Equal("OPEN", Assert.Single(await relay.SignalsAsync(1)).Action.ToWire());
    }

    [Fact]
    public async Task A_resync_after_a_failed_store_says_storage_failed_and_one_after_a_lost_message_says_seq_gap()
    {
        // Time stands still, so the sweep asks nothing more while the disk fails.
        await using var relay = await IngressHost.StartAsync(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var terminal = await relay.ConnectedSimulatorAsync();
        relay.Journal.Failing = true;

        terminal.Open("EURUSD", PositionSide.Buy, 1.0, 1.085);
        await Eventually.True(() => terminal.ResyncsReceived == 1, "a resync for the state that could not be stored");
        Assert.Equal("storage_failed", terminal.LastResyncReason);

        relay.Journal.Failing = false;
        terminal.SendSnapshot("changed");
        await relay.SignalsAsync(1);
        terminal.SkipSeq();
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.ResyncsReceived == 2, "a resync for the message the relay never saw");
        Assert.Equal(ResyncReasons.SeqGap, terminal.LastResyncReason);
    }

    [Fact]
    public async Task Status_changes_are_announced_once_per_connect_and_disconnect()
    {
        await using var relay = await IngressHost.StartAsync();
        var changes = new List<bool>();
        relay.Status.Changed += s => { lock (changes) { changes.Add(s.Connected); } };

        var terminal = await relay.ConnectedSimulatorAsync();
        terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        await relay.SignalsAsync(1);
        terminal.SendGoodbye();
        await Eventually.True(() => !relay.Status.Current.Connected, "disconnected");

        lock (changes)
        {
            Assert.Equal([true, false], changes);
        }
    }

    [Fact]
    public async Task An_unsupported_protocol_version_is_refused_with_that_reason()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = relay.Simulator();
        var welcomes = new List<Welcome>();
        terminal.Received += m => { if (m is Welcome w) { lock (welcomes) { welcomes.Add(w); } } };

        terminal.SendRaw("{\"v\":2,\"type\":\"hello\",\"session\":\"future\",\"seq\":1}"u8.ToArray());

        await Eventually.True(() => { lock (welcomes) { return welcomes.Count == 1; } }, "a welcome");
        Assert.Equal(RefusalReasons.UnsupportedVersion, welcomes[0].Reason);
    }

    [Fact]
    public async Task A_taken_port_is_a_clear_startup_error_naming_the_port_and_the_key()
    {
        await using var first = await IngressHost.StartAsync();

        var error = await Assert.ThrowsAsync<IngressStartException>(() => IngressHost.StartAsync(port: first.Port));

        Assert.Contains(first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("Ingress:Port", error.Message, StringComparison.Ordinal);
    }
}
