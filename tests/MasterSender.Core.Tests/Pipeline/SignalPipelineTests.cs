using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using static MasterSender.Core.Tests.Trades;

namespace MasterSender.Core.Tests.Pipeline;

public class SignalPipelineTests
{
    private static PositionUpdate Update(PositionState position) => new() { Session = Session, Seq = 3, Position = position };

    [Fact]
    public void The_first_snapshot_is_stored_even_though_it_yields_no_signal()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);

        pipeline.Apply(Login, Snapshot([Position(1)]));

        Assert.NotNull(journal.Book);
        Assert.Empty(journal.Signals);
    }

    [Fact]
    public void A_position_going_unconfirmed_is_stored_though_it_yields_no_signal_and_a_restart_keeps_it()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        pipeline.Apply(Login, Snapshot([Position(1)]));
        var commits = journal.Commits;

        Assert.Empty(pipeline.Apply(Login, Snapshot([])));

        Assert.Equal(commits + 1, journal.Commits);
        var restarted = new SignalPipeline(journal, TimeProvider.System);
        Assert.Equal(1, Assert.Single(restarted.BookFor(Login).Unconfirmed).Ticket);
    }

    [Fact]
    public void The_pipeline_applies_the_configured_open_age()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var pipeline = new SignalPipeline(new MemoryJournal(), TimeProvider.System, new BookRules { MaxOpenAge = TimeSpan.FromSeconds(30) });
        pipeline.Apply(Login, Snapshot([]) with { ServerTimeMsc = now });

        Assert.Empty(pipeline.Apply(Login, Update(Position(1) with { TimeMsc = now - 60_000 })));
        Assert.Single(pipeline.Apply(Login, Update(Position(2) with { TimeMsc = now - 1_000 })));
    }

    [Fact]
    public void A_restarted_pipeline_continues_from_the_stored_book_without_repeating()
    {
        var journal = new MemoryJournal();
        var first = new SignalPipeline(journal, TimeProvider.System);
        first.Apply(Login, Snapshot());
        first.Apply(Login, Update(Position(1, sl: 1.07)));

        var restarted = new SignalPipeline(journal, TimeProvider.System);
        var repeated = restarted.Apply(Login, Snapshot([Position(1, sl: 1.07)]));
        var next = restarted.Apply(Login, Update(Position(1, sl: 1.06)));

        Assert.Empty(repeated);
        Assert.Equal($"{Login}-P1-2", Assert.Single(next).IdempotencyKey);
    }

    [Fact]
    public void When_the_journal_fails_nothing_is_announced_and_the_next_snapshot_derives_the_signals_again()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        var announced = new List<Signal>();
        pipeline.Committed += (_, signals) => announced.AddRange(signals);
        pipeline.Apply(Login, Snapshot());

        journal.Failing = true;
        Assert.Throws<IOException>(() => pipeline.Apply(Login, Update(Position(1))));
        journal.Failing = false;
        var recovered = pipeline.Apply(Login, Snapshot([Position(1)]));

        var open = Assert.Single(recovered);
        Assert.Equal(SignalAction.Open, open.Action);
        Assert.Equal($"{Login}-P1-1", open.IdempotencyKey);
        Assert.Equal([open], announced);
    }

    [Fact]
    public void Messages_staged_together_are_stored_in_one_commit_and_announced_once_in_order()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        var announced = new List<IReadOnlyList<Signal>>();
        pipeline.Committed += (_, signals) => announced.Add(signals);

        pipeline.Stage(Login, Snapshot());
        pipeline.Stage(Login, Update(Position(1)));
        pipeline.Stage(Login, Update(Position(2)));
        pipeline.Stage(Login, Update(Position(1, sl: 1.07)));
        Assert.Equal(0, journal.Commits);
        Assert.Empty(announced);

        Assert.Empty(pipeline.CommitStaged());

        Assert.Equal(1, journal.Commits);
        Assert.Equal([$"{Login}-P1-1", $"{Login}-P2-1", $"{Login}-P1-2"], journal.Signals.Select(signal => signal.IdempotencyKey));
        Assert.Equal(journal.Signals, Assert.Single(announced));
        Assert.Equal(2, TradeBook.FromState(BookStorage.Load(journal.Book!)!.State).Positions.Count);
        Assert.False(pipeline.HasStaged);
    }

    [Fact]
    public void A_failed_group_commit_names_the_account_announces_nothing_and_the_next_snapshot_derives_it_all_again()
    {
        var journal = new MemoryJournal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);
        var announced = new List<Signal>();
        pipeline.Committed += (_, signals) => announced.AddRange(signals);
        pipeline.Apply(Login, Snapshot());

        journal.Failing = true;
        pipeline.Stage(Login, Update(Position(1)));
        pipeline.Stage(Login, Update(Position(2)));
        var failure = Assert.Single(pipeline.CommitStaged());
        journal.Failing = false;

        Assert.Equal(Login, failure.Login);
        Assert.IsType<IOException>(failure.Error);
        Assert.Empty(announced);
        pipeline.Stage(Login, Snapshot([Position(1), Position(2)]));
        Assert.Empty(pipeline.CommitStaged());
        Assert.Equal([$"{Login}-P1-1", $"{Login}-P2-1"], announced.Select(signal => signal.IdempotencyKey));
    }
}
