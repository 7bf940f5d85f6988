using MasterSender.Core.Accounts;
using Microsoft.Extensions.Hosting;

namespace MasterSender.Relay.Status;

/// <summary>
/// Decides every second whether the signal API is taking signals, from what the page shows too: the API session
/// (logged in or not) and the newest signals (one waiting with an error, or the newest finished one refused). The
/// ingress reads the answer into each heartbeat reply without waiting: the work happens here, off the socket thread.
/// </summary>
internal sealed class ApiHealthMonitor(IApiAccess api, ISignalLedger ledger, TimeProvider time) : BackgroundService, IApiHealth
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private const int Newest = 20;
    private volatile ApiHealthState _current = ApiHealthState.Healthy;

    public ApiHealthState Current => _current;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            _current = Evaluate(api.View(), ledger.Recent(Newest));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public static ApiHealthState Evaluate(ApiView view, IReadOnlyList<SignalLogEntry> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(newestFirst);
        if (!view.LoggedIn)
        {
            return new ApiHealthState(false, string.IsNullOrEmpty(view.LastError) ? "not logged in to the signal API" : view.LastError);
        }

        if (newestFirst.FirstOrDefault(s => s.State == "pending" && !string.IsNullOrEmpty(s.LastError)) is { } retrying)
        {
            return new ApiHealthState(false, retrying.LastError!);
        }

        var finished = newestFirst.FirstOrDefault(s => s.State is "sent" or "rejected" or "failed");
        return finished is { State: "rejected" or "failed" }
            ? new ApiHealthState(false, finished.LastError ?? $"signal {finished.State}")
            : ApiHealthState.Healthy;
    }
}
