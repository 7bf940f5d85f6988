using MasterSender.Relay.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace MasterSender.Relay.Tests;

/// <summary>The relay's log queue: the log file is the provider's record, so no line may be lost or reordered,
/// even when the queue fills faster than the file is written, and shutdown writes out what is still queued.</summary>
public sealed class QueuedLogSinkTests
{
    [Fact]
    public void Disposing_writes_every_queued_line_in_order_even_past_the_queue_capacity_and_then_disposes_the_target()
    {
        var target = new RecordingSink();
        var sink = new QueuedLogSink(target);
        const int Lines = 25_000;
        for (var i = 0; i < Lines; i++)
        {
            sink.Emit(Line(i));
        }

        sink.Dispose();

        Assert.True(target.Disposed);
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"line {i}"), target.Texts);
    }

    [Fact]
    public void A_target_that_throws_loses_only_that_line()
    {
        var target = new RecordingSink { FailOn = "line 1" };
        var sink = new QueuedLogSink(target);
        for (var i = 0; i < 3; i++)
        {
            sink.Emit(Line(i));
        }

        sink.Dispose();

        Assert.Equal(["line 0", "line 2"], target.Texts);
    }

    private static LogEvent Line(int i) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse($"line {i}"), []);

    private sealed class RecordingSink : ILogEventSink, IDisposable
    {
        public List<string> Texts { get; } = [];

        public string? FailOn { get; init; }

        public bool Disposed { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            var text = logEvent.MessageTemplate.Text;
            if (text == FailOn)
            {
                throw new IOException("disk full");
            }

            Texts.Add(text);
        }

        public void Dispose() => Disposed = true;
    }
}
