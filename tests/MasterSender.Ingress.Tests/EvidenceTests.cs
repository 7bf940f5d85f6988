using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using MasterSender.Simulator;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Ingress.Tests;

/// <summary>Issue 11's relay rules through the real ROUTER: replays dropped, lookups for what went missing, bad items dropped alone.</summary>
public sealed class EvidenceTests
{
    private static string[] Actions(IEnumerable<Signal> signals) => signals.Select(s => s.Action.ToWire()).ToArray();

    /// <summary>A heartbeat round trip: everything sent before it has been handled, and everything the relay sent before its reply has arrived.</summary>
    private static async Task RoundTripAsync(TerminalSimulator terminal)
    {
        var replies = terminal.HeartbeatRepliesReceived;
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.HeartbeatRepliesReceived > replies, "the heartbeat reply that follows every earlier message");
    }

    private static IReadOnlyList<UnconfirmedItem> Unconfirmed(IngressHost relay) => relay.Ingress.Book(IngressHost.Login).Unconfirmed;

    [Fact]
    public async Task Frames_replayed_with_old_seq_numbers_are_dropped_and_counted_never_applied()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync(); // hello = seq 1, connect snapshot = seq 2
        var kept = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08); // seq 3
        var keptAsOpened = terminal.Terminal.Positions.Single(p => p.Ticket == kept);
        terminal.Modify(kept, sl: 1.07, tp: 0); // seq 4
        var closed = terminal.Open("GBPUSD", PositionSide.Sell, 0.1, 1.25); // seq 5
        var closedAsOpened = terminal.Terminal.Positions.Single(p => p.Ticket == closed);
        terminal.Close(closed, 1.249); // seq 6
        await relay.SignalsAsync(4);

        // A stale SL would roll the stop back; the position after its close would be a phantom trade.
        terminal.SendRaw(ProtocolWriter.Write(new PositionUpdate { Session = terminal.Session, Seq = 3, Position = keptAsOpened }));
        terminal.SendRaw(ProtocolWriter.Write(new PositionUpdate { Session = terminal.Session, Seq = 5, Position = closedAsOpened }));
        await RoundTripAsync(terminal);

        Assert.Equal(["OPEN", "MODIFY", "OPEN", "CLOSE"], Actions(relay.Journal.Signals));
        Assert.Equal(2, relay.Metrics.Replayed);
        Assert.Equal(0, terminal.ResyncsReceived);
        Assert.Equal(0, relay.Metrics.Malformed);
    }

    [Fact]
    public async Task A_position_missing_without_evidence_is_looked_up_at_once_and_every_interval_until_its_deal_shows()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var relay = await IngressHost.StartAsync(time: time);
        var terminal = await relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.3, 1.08);
        await relay.SignalsAsync(1);

        // The position closes but its deal is not in history yet: the EA sends nothing, and its snapshot lacks it.
        terminal.Terminal.DealsLag = true;
        terminal.Close(ticket, 1.0835);
        terminal.SendSnapshot();
        await Eventually.True(() => terminal.LookupsReceived == 1, "a lookup as soon as the position went missing");
        var missing = Assert.Single(Unconfirmed(relay));
        Assert.Equal((UnconfirmedKinds.Position, ticket, ticket), (missing.Kind, missing.Ticket, missing.Identifier));
        Assert.Single(relay.Journal.Signals);

        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.True(() => terminal.LookupsReceived == 2, "the lookup again after Ingress:LookupInterval");
        await RoundTripAsync(terminal);
        Assert.Single(relay.Journal.Signals);

        terminal.Terminal.DealsLag = false;
        time.Advance(TimeSpan.FromSeconds(2));
        var signals = await relay.SignalsAsync(2);
        Assert.Equal(["OPEN", "CLOSE"], Actions(signals));
        Assert.Equal(1.0835, signals[1].Price);
        Assert.Empty(Unconfirmed(relay));

        await RoundTripAsync(terminal);
        var lookups = terminal.LookupsReceived;
        time.Advance(TimeSpan.FromSeconds(2));
        await RoundTripAsync(terminal);
        Assert.Equal(lookups, terminal.LookupsReceived);
        Assert.Equal(3, relay.Metrics.LookupsSent);
    }

    [Fact]
    public async Task A_snapshot_of_a_disconnected_terminal_makes_nothing_unconfirmed_and_asks_nothing()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        await relay.SignalsAsync(1);

        // A terminal that lost its server may list nothing at all.
        terminal.Terminal.ServerConnected = false;
        terminal.LoseNextEvents(1);
        terminal.Terminal.DealsLag = true;
        terminal.Close(ticket, 1.09);
        terminal.SendSnapshot();
        await RoundTripAsync(terminal);

        Assert.Empty(Unconfirmed(relay));
        Assert.Equal(0, terminal.LookupsReceived);
        Assert.Single(relay.Journal.Signals);
    }

    [Fact]
    public async Task One_bad_position_in_a_snapshot_is_dropped_and_counted_and_the_rest_applied()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync();
        var trailed = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08, sl: 1.07);
        await relay.SignalsAsync(1);

        // A trailing stop goes negative (the demo's bug): that position is invalid in every snapshot from now on.
        terminal.LoseNextEvents(2);
        terminal.Modify(trailed, sl: -0.0001, tp: 0);
        var other = terminal.Open("GBPUSD", PositionSide.Sell, 0.2, 1.25);
        terminal.SendSnapshot();
        terminal.SendSnapshot("periodic");
        await RoundTripAsync(terminal);

        var signals = await relay.SignalsAsync(2);
        Assert.Equal(["OPEN", "OPEN"], Actions(signals));
        Assert.Equal(other, signals[1].MasterTicket);
        Assert.Equal(2, relay.Metrics.DroppedItems);
        Assert.Equal(0, relay.Metrics.Malformed);
        Assert.Equal(0, terminal.ResyncsReceived);
        Assert.Empty(Unconfirmed(relay)); // present, only unreadable: not taken for missing
    }

    [Fact]
    public async Task A_position_opened_longer_ago_than_Signals_MaxOpenAge_never_yields_an_OPEN_when_it_shows_up_late()
    {
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Signals:MaxOpenAge"] = "00:00:10" });
        var serverClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(IngressHost.Login, time: serverClock), relay.Endpoint);
        Assert.True((await terminal.ConnectAsync().WaitAsync(Eventually.DefaultTimeout)).Accepted);
        await Eventually.True(() => relay.Journal.Commits >= 1, "the first snapshot to be adopted");

        // Opened now by the server's clock, but the relay first hears of it 20 s later (the event was lost).
        terminal.LoseNextEvents(1);
        var old = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        serverClock.Advance(TimeSpan.FromSeconds(20));
        var fresh = terminal.Open("GBPUSD", PositionSide.Sell, 0.1, 1.25);
        terminal.SendSnapshot();
        await RoundTripAsync(terminal); // the snapshot is built when sent: it must go before the change below
        terminal.Modify(old, sl: 1.07, tp: 0);
        await RoundTripAsync(terminal);

        var signals = await relay.SignalsAsync(2);
        Assert.Equal(["OPEN", "MODIFY"], Actions(signals));
        Assert.Equal((fresh, old), (signals[0].MasterTicket, signals[1].MasterTicket));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:00")]
    public async Task A_LookupInterval_out_of_range_stops_the_start_with_a_message_naming_the_key(string value)
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:LookupInterval"] = value }));

        Assert.Contains("Ingress:LookupInterval", failure.Message, StringComparison.Ordinal);
    }
}
