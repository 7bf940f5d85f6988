using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using static MasterSender.Core.Tests.Trades;

namespace MasterSender.Core.Tests.Pipeline;

public class SignalPipelineTests
{
    /// <summary>A journal that keeps what it is given and can be told to fail, like a full disk.</summary>
    private sealed class Journal : ISignalJournal
    {
        public List<Signal> Signals { get; } = [];
        public string? Book { get; private set; }
        public bool Failing { get; set; }

        public string? LoadBook(long login) => Book;

        public void Commit(long login, IReadOnlyList<Signal> signals, string bookState)
        {
            if (Failing)
            {
                throw new IOException("disk full");
            }

            Signals.AddRange(signals);
            Book = bookState;
        }
    }

    private static PositionUpdate Update(PositionState position) => new() { Session = Session, Seq = 3, Position = position };

    [Fact]
    public void The_first_snapshot_is_stored_even_though_it_yields_no_signal()
    {
        var journal = new Journal();
        var pipeline = new SignalPipeline(journal, TimeProvider.System);

        pipeline.Apply(Login, Snapshot([Position(1)]));

        Assert.NotNull(journal.Book);
        Assert.Empty(journal.Signals);
    }

    [Fact]
    public void A_restarted_pipeline_continues_from_the_stored_book_without_repeating()
    {
        var journal = new Journal();
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
        var journal = new Journal();
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
}
