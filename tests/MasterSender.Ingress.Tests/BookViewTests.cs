using MasterSender.Core.Protocol;

namespace MasterSender.Ingress.Tests;

/// <summary>The read-only view of the book that the poller publishes for the status page.</summary>
public sealed class BookViewTests
{
    [Fact]
    public async Task What_a_terminal_sent_is_in_the_view_and_the_counts_by_the_time_its_next_reply_arrives()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.2, 1.08);
        var replies = terminal.HeartbeatRepliesReceived;
        terminal.SendHeartbeat();
        await Eventually.True(() => terminal.HeartbeatRepliesReceived > replies, "the heartbeat reply");

        var book = relay.Ingress.Book(IngressHost.Login);
        Assert.True(book.HasBaseline);
        var position = Assert.Single(book.Positions);
        Assert.Equal((ticket, "EURUSD", 0.2), (position.Ticket, position.Symbol, position.Volume));
        Assert.Equal(1, relay.Ingress.ActiveSessions);
        Assert.Equal(1, relay.Metrics.SignalsProduced); // the OPEN, counted for the page with the same turn
    }

    [Fact]
    public async Task A_price_move_that_needs_no_reply_and_stores_nothing_still_reaches_the_view()
    {
        await using var relay = await IngressHost.StartAsync();
        var terminal = await relay.ConnectedSimulatorAsync();
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.2, 1.08);
        await relay.SignalsAsync(1);

        // Views of turns without replies or commits are published by the endpoint's timer, not skipped.
        terminal.Terminal.Tick(0.0042);
        var moved = terminal.Terminal.Positions.Single(p => p.Ticket == ticket);
        terminal.Send([new PositionUpdate { Session = terminal.Session, Seq = 0, Position = moved }]);
        await Eventually.True(
            () => relay.Ingress.Book(IngressHost.Login).Positions is [var shown] && shown.PriceCurrent == moved.PriceCurrent,
            "the moved price in the view");
        Assert.Single(relay.Journal.Signals);
    }

    [Fact]
    public async Task After_a_restart_the_stored_book_is_shown_before_any_terminal_connects()
    {
        var journal = new RecordingJournal();
        long ticket;
        await using (var first = await IngressHost.StartAsync(journal: journal))
        {
            var terminal = await first.ConnectedSimulatorAsync();
            ticket = terminal.Open("GBPUSD", PositionSide.Sell, 0.5, 1.25);
            await first.SignalsAsync(1);
        }

        await using var restarted = await IngressHost.StartAsync(journal: journal);

        // The first read finds nothing published and asks the poller to load the stored book; a later read shows it.
        await Eventually.True(() => restarted.Ingress.Book(IngressHost.Login).Positions.Count == 1, "the stored book in the view");
        Assert.Equal(ticket, restarted.Ingress.Book(IngressHost.Login).Positions[0].Ticket);
        Assert.Equal(0, restarted.Ingress.ActiveSessions);
    }
}
