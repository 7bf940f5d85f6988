using MasterSender.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// Keeps the outbox to <see cref="StorageOptions.KeepHistory"/> of finished signals, at start and then hourly. A relay
/// that runs for months would otherwise grow its file and slow the page's counts without end.
/// </summary>
public sealed partial class HistoryCleaner(SqliteOutbox outbox, IOptions<StorageOptions> options, TimeProvider time, ILogger<HistoryCleaner> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>Fires after each pass with the number of signals removed (for tests and the log).</summary>
    public event Action<int>? Cleaned;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await CleanAsync().ConfigureAwait(false);
                await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task CleanAsync()
    {
        var keep = options.Value.KeepHistory;
        int removed;
        try
        {
            removed = await outbox.DeleteHistoryAsync((time.GetUtcNow() - keep).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed clean-up (locked or full disk) must not stop the relay; the next pass tries again.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogFailed(failure);
            return;
        }

        if (removed > 0)
        {
            LogRemoved(removed, keep.TotalDays);
        }

        Cleaned?.Invoke(removed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} finished signals older than {Days:0.#} days from the outbox (Storage:KeepHistory)")]
    private partial void LogRemoved(int count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning the outbox history failed; trying again in an hour")]
    private partial void LogFailed(Exception failure);
}
