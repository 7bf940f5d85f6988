using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress;

/// <summary>
/// Everything the ingress does on the poller thread, turn by turn (<see cref="PollerTurn"/>): each inbound message
/// through the session rules, each piece of timer work, and at the end of a turn the group commit, the page's views
/// (books, counters) and the replies.
/// Owner: the running <see cref="RouterEndpoint"/>'s poller thread, of this and of all it holds (the sessions, the
/// pipeline's books, the replies). One endpoint runs at a time; when NetMQ kills one, the next is started only after the
/// dead one's thread has left its loop, so ownership passes from thread to thread and never overlaps.
/// </summary>
internal sealed partial class IngressLoop
{
    private readonly SessionManager _sessions;
    private readonly SignalPipeline _pipeline;
    private readonly IngressMetrics _metrics;
    private readonly ILogger _logger;
    private int _handledSinceCommit;
    private bool _committedSinceViews;

    public IngressLoop(SessionManager sessions, SignalPipeline pipeline, IngressMetrics metrics, Replies replies, BookViews books, ILogger logger)
    {
        _sessions = sessions;
        _pipeline = pipeline;
        _metrics = metrics;
        Replies = replies;
        Books = books;
        _logger = logger;
    }

    /// <summary>The turn's replies; the endpoint sends them after <see cref="EndTurn"/>.</summary>
    public Replies Replies { get; }

    /// <summary>The published views of the books (read by any thread).</summary>
    public BookViews Books { get; }

    public void OnFrame(InboundFrame frame)
    {
        _metrics.FrameReceived();
        try
        {
            _sessions.Handle(frame);
        }
#pragma warning disable CA1031 // The poller thread: one bad message must not stop the EA's connection.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogHandlingFailed(failure);
        }

        if (++_handledSinceCommit == PollerTurn.MaxMessagesPerCommit)
        {
            Commit();
        }
    }

    /// <summary>Runs one piece of work a timer or a reader enqueued.</summary>
    public void Run(Action work)
    {
        try
        {
            work();
        }
#pragma warning disable CA1031 // The poller thread: a failed sweep or lookup is tried again on the next tick.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogWorkFailed(failure);
        }
    }

    /// <summary>The poller's periodic work, enqueued by <see cref="IngressService"/>'s timers.</summary>
    public void Sweep() => _sessions.Sweep();

    public void SendLookups() => _sessions.SendLookups();

    /// <summary>A reader asked for a book no turn has published yet (after a restart, before the EA connects): load it
    /// from the journal and publish it.</summary>
    public void PublishBook(long login) => Books.Touch(login);

    /// <summary>Commits what the turn staged, then publishes what readers see, before the endpoint sends the replies:
    /// an EA that got an answer can rely on its earlier messages being stored, and a test or the page on seeing them.
    /// So does a turn that committed signals or book changes: whoever sees them stored sees them shown. A turn of
    /// messages that changed nothing stored (a price moved) leaves the books' views to <see cref="PublishViews"/>
    /// (copying a book is the costly part); returns true when some view waits for it.</summary>
    public bool EndTurn()
    {
        Commit();
        if (Replies.Any || _committedSinceViews)
        {
            PublishViews();
        }

        _metrics.PublishPollerCounts(_sessions.ActiveSessions, _pipeline.SignalsProduced);
        return Books.HasUnpublished;
    }

    /// <summary>Publishes a fresh view of every book touched since the last one: at the end of a turn with replies, and
    /// when the endpoint's view timer fires.</summary>
    public void PublishViews()
    {
        _committedSinceViews = false;
        Books.Publish(LoadedBook);
    }

    private void Commit()
    {
        _handledSinceCommit = 0;
        _committedSinceViews |= _pipeline.HasStaged;
        _sessions.CommitStaged();
    }

    private TradeBook? LoadedBook(long login)
    {
        try
        {
            return _pipeline.BookFor(login);
        }
#pragma warning disable CA1031 // Loading a stored book may fail in any way; the page keeps its last view meanwhile.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogViewLoadFailed(failure, login);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message from the EA failed; the terminal will resend its state")]
    private partial void LogHandlingFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingress's periodic work failed; it runs again on the next tick")]
    private partial void LogWorkFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the stored book of terminal {Login} for the status page; it shows the last one it had")]
    private partial void LogViewLoadFailed(Exception exception, long login);
}
