using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// Hands log events to the console and file sinks on a background task, so the delivery and ingress threads never
/// wait on a slow console (journald, a terminal) or the disk. Instead of Serilog.Sinks.Async: its queue
/// (a BlockingCollection) spins its thread with sched_yield before sleeping after every event, which perf showed as
/// about 7 % of the relay's CPU with a line per signal; a channel's reader sleeps at once and is woken by the next
/// event. Bounded, and a full queue makes the logging thread wait rather than drop a line; disposing (with the host)
/// drains the queue first, so no line is lost on shutdown.
/// </summary>
internal sealed class QueuedLogSink : ILogEventSink, IDisposable
{
    private const int Capacity = 10_000;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogEventSink _target;
    private readonly Channel<LogEvent> _queue = Channel.CreateBounded<LogEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _pump;

    public QueuedLogSink(ILogEventSink target)
    {
        _target = target;
        _pump = Task.Run(PumpAsync);
    }

    public void Emit(LogEvent logEvent)
    {
        if (!_queue.Writer.TryWrite(logEvent))
        {
            // Full (or already disposed, then the write fails and the line is gone with the host anyway).
            try
            {
                _queue.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                // Shutting down: the host is gone.
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _pump.Wait(DrainTimeout);
        (_target as IDisposable)?.Dispose();
    }

    private async Task PumpAsync()
    {
        await foreach (var logEvent in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                _target.Emit(logEvent);
            }
#pragma warning disable CA1031 // A sink that fails (disk full) must not end the pump; Serilog's own sinks report to SelfLog.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                Serilog.Debugging.SelfLog.WriteLine("Writing a log event failed: {0}", failure);
            }
        }
    }
}
