using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;

namespace MasterSender.Ingress.Tests;

/// <summary>Each trading scenario, played by the terminal simulator over a real DEALER, yields exactly its signals.</summary>
public sealed class ScenarioTests : IAsyncLifetime
{
    private IngressHost _relay = null!;

    public async Task InitializeAsync() => _relay = await IngressHost.StartAsync();

    public async Task DisposeAsync() => await _relay.DisposeAsync();

    private static string[] Actions(IEnumerable<Signal> signals) => signals.Select(s => s.Action.ToWire()).ToArray();

    /// <summary>Waits until exactly <paramref name="count"/> signals arrived and a heartbeat round trip shows nothing more is in flight.</summary>
    private async Task<IReadOnlyList<Signal>> ExactlyAsync(Simulator.TerminalSimulator terminal, int count)
    {
        await _relay.SignalsAsync(count);
        var replies = terminal.HeartbeatRepliesReceived;
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.HeartbeatRepliesReceived > replies, "the heartbeat reply that follows every earlier message");
        Assert.Equal(count, _relay.Journal.Signals.Count);
        return _relay.Journal.Signals;
    }

    [Fact]
    public async Task Market_open_SL_TP_change_partial_close_and_close()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();

        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 1.0, 1.085, sl: 1.08);
        terminal.Modify(ticket, sl: 1.082, tp: 1.095);
        terminal.ClosePartial(ticket, 0.4, 1.087);
        terminal.Close(ticket, 1.088);

        var signals = await ExactlyAsync(terminal, 4);
        Assert.Equal(["OPEN", "MODIFY", "PARTIAL_CLOSE", "CLOSE"], Actions(signals));
        Assert.All(signals, s => Assert.Equal(ticket, s.MasterTicket));
        Assert.Equal((1.082, 1.095), (signals[1].Sl, signals[1].Tp));
        Assert.Equal(0.6, signals[2].Volume, 8);
        Assert.Equal(1.088, signals[3].Price);
    }

    [Fact]
    public async Task Close_by_closes_both_positions()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        var buy = terminal.Open("EURUSD", PositionSide.Buy, 0.5, 1.085);
        var sell = terminal.Open("EURUSD", PositionSide.Sell, 0.5, 1.086);

        terminal.CloseBy(buy, sell);

        var signals = await ExactlyAsync(terminal, 4);
        Assert.Equal(["OPEN", "OPEN", "CLOSE", "CLOSE"], Actions(signals));
    }

    [Fact]
    public async Task Pending_order_placed_modified_cancelled_and_another_filled()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();

        var cancelled = terminal.PlaceOrder("XAUUSD", PendingOrderType.SellStop, 0.2, 2300.5, sl: 2310);
        terminal.ModifyOrder(cancelled, 2301.5, 2311, 2280);
        terminal.CancelOrder(cancelled);
        var filled = terminal.PlaceOrder("EURUSD", PendingOrderType.BuyLimit, 0.3, 1.08);
        terminal.FillOrder(filled, 1.08);

        var signals = await ExactlyAsync(terminal, 6);
        Assert.Equal(["ORDER_PLACED", "ORDER_MODIFIED", "ORDER_DELETED", "ORDER_PLACED", "ORDER_DELETED", "OPEN"], Actions(signals));
        Assert.Equal("cancelled", signals[2].Reason);
        Assert.Equal("filled", signals[4].Reason);
        Assert.Equal(filled, signals[5].OrderTicket);
    }

    [Fact]
    public async Task Netting_increase_and_reversal()
    {
        var terminal = await _relay.ConnectedSimulatorAsync(MarginMode.Netting);

        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        terminal.Open("EURUSD", PositionSide.Buy, 0.2, 1.09);
        terminal.Open("EURUSD", PositionSide.Sell, 0.5, 1.1);

        var signals = await ExactlyAsync(terminal, 4);
        Assert.Equal(["OPEN", "INCREASE", "CLOSE", "OPEN"], Actions(signals));
        Assert.All(signals, s => Assert.Equal(ticket, s.MasterTicket));
        Assert.Equal(("SELL", 0.2), (signals[3].Type, Math.Round(signals[3].Volume, 8)));
    }

    [Fact]
    public async Task A_burst_of_500_positions_yields_500_OPENs()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();

        for (var i = 0; i < 500; i++)
        {
            terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i / 100_000.0));
        }

        var signals = await ExactlyAsync(terminal, 500);
        Assert.All(signals, s => Assert.Equal(SignalAction.Open, s.Action));
        Assert.Equal(500, signals.Select(s => s.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task A_lost_event_is_recovered_by_the_next_snapshot()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        await _relay.SignalsAsync(1);

        terminal.LoseNextEvents(1);
        terminal.Modify(ticket, sl: 1.07, tp: 0);
        terminal.SendSnapshot();

        var signals = await ExactlyAsync(terminal, 2);
        Assert.Equal(SignalAction.Modify, signals[1].Action);
        Assert.Equal(1.07, signals[1].Sl);
    }

    [Fact]
    public async Task Events_repeated_by_the_next_snapshot_yield_no_second_signal()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        terminal.Modify(ticket, 1.07, 1.09);

        terminal.SendSnapshot();
        terminal.SendSnapshot("periodic");

        await ExactlyAsync(terminal, 2);
    }

    [Fact]
    public async Task A_reconnect_does_not_duplicate_signals()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        terminal.PlaceOrder("EURUSD", PendingOrderType.BuyLimit, 0.1, 1.07);
        await _relay.SignalsAsync(2);

        var welcome = await terminal.ReconnectAsync().WaitAsync(Eventually.DefaultTimeout);
        Assert.True(welcome.Accepted, welcome.Message);
        var ticket = terminal.Open("GBPUSD", PositionSide.Sell, 0.2, 1.25);

        var signals = await ExactlyAsync(terminal, 3);
        Assert.Equal(ticket, signals[2].MasterTicket);
    }

    [Fact]
    public async Task Changes_made_while_disconnected_arrive_with_the_reconnect_snapshot()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        var kept = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        var closed = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        await _relay.SignalsAsync(2);

        // While "offline", the terminal changes but the events go nowhere.
        terminal.LoseNextEvents(3);
        terminal.Close(closed, 1.081);
        terminal.Modify(kept, 1.07, 0);
        terminal.Open("USDJPY", PositionSide.Sell, 0.3, 151.2);
        await terminal.ReconnectAsync().WaitAsync(Eventually.DefaultTimeout);

        var signals = await ExactlyAsync(terminal, 5);
        Assert.Equal(["CLOSE", "MODIFY", "OPEN"], Actions(signals.Skip(2)));
    }

    [Fact]
    public async Task A_seq_gap_asks_for_a_snapshot_and_takes_it_as_the_truth()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        await _relay.SignalsAsync(1);

        terminal.SkipSeq();
        terminal.LoseNextEvents(1);
        terminal.Modify(ticket, 1.07, 0);
        terminal.SendHeartbeat();

        await Eventually.True(() => terminal.ResyncsReceived == 1, "a resync");
        var signals = await ExactlyAsync(terminal, 2);
        Assert.Equal(SignalAction.Modify, signals[1].Action);
    }

    [Fact]
    public async Task When_storing_fails_the_terminal_is_asked_for_a_snapshot_and_nothing_is_lost_once_the_disk_recovers()
    {
        var terminal = await _relay.ConnectedSimulatorAsync();
        _relay.Journal.Failing = true;

        var first = terminal.Open("EURUSD", PositionSide.Buy, 1.0, 1.085);
        var second = terminal.Open("GBPUSD", PositionSide.Sell, 0.5, 1.25);
        await Eventually.True(() => terminal.ResyncsReceived > 0, "a resync asking for the state the relay could not store");
        Assert.Empty(_relay.Journal.Signals);

        _relay.Journal.Failing = false;
        terminal.SendSnapshot("periodic");

        var signals = await ExactlyAsync(terminal, 2);
        Assert.Equal(["OPEN", "OPEN"], Actions(signals));
        Assert.Equal([first, second], signals.Select(s => s.MasterTicket).Order());
    }
}
