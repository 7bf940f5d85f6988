using System.Threading.Channels;
using MasterSender.Core.Terminal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Broadcast;

/// <summary>
/// <c>POST /mt5/status</c> every 60 s (the seed's period) and at once when the terminal connects, goes away or is
/// refused (<see cref="ITerminalStatusSource.Changed"/>); changed figures go with the next periodic report. Only the
/// latest status matters, so reports are never queued.
/// </summary>
public sealed partial class StatusReporter(IEnumerable<ITerminalStatusSource> sources, ApiSession session, ApiClient api, TimeProvider time, ILogger<StatusReporter> log)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(60);
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Fires after each report with the API's status code (0 = unreachable): for the page and tests.</summary>
    public event Action<StatusReport, int>? Reported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var source = sources.FirstOrDefault();
        if (source is null)
        {
            LogNoSource();
            return;
        }

        source.Changed += OnChanged;
        try
        {
            using var timer = new PeriodicTimer(Period, time);
            var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            var change = _changed.Reader.ReadAsync(stoppingToken).AsTask();
            await ReportAsync(source.Current, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                var woke = await Task.WhenAny(tick, change).ConfigureAwait(false);
                await woke.ConfigureAwait(false);
                if (woke == tick)
                {
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
                else
                {
                    change = _changed.Reader.ReadAsync(stoppingToken).AsTask();
                }

                await ReportAsync(source.Current, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            source.Changed -= OnChanged;
        }
    }

    /// <summary>The report for a terminal status, with the account guard's verdict (refused terminals show as not connected).</summary>
    public StatusReport BuildReport(TerminalStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var account = status.Account;
        var check = account is null ? null : session.CheckTerminal(account.Login, status.TerminalPath, status.DataPath);
        return new StatusReport
        {
            Connected = status.Connected && check is { Allowed: true },
            Login = account?.Login ?? 0,
            Server = account?.Server ?? "",
            Balance = account?.Balance ?? 0,
            Equity = account?.Equity ?? 0,
            MarginLevel = account?.MarginLevel ?? 0,
            Leverage = account?.Leverage ?? 0,
            OpenPositions = status.OpenPositions,
            PendingOrders = status.PendingOrders,
            Reason = check is { Allowed: false } ? check.Reason : status.Reason,
            TerminalPath = status.TerminalPath,
            PathMismatch = check?.PathMismatch ?? false,
            UpdatedAtMsc = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }

    private void OnChanged(TerminalStatus status) => _changed.Writer.TryWrite(true);

    private async Task ReportAsync(TerminalStatus status, CancellationToken cancellationToken)
    {
        var report = BuildReport(status);
        var token = await session.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        var code = token is null ? 0 : await api.PostStatusAsync(report, token, cancellationToken).ConfigureAwait(false);
        if (code == 401 && token is not null && await session.RenewTokenAsync(token, "POST /mt5/status answered 401", cancellationToken).ConfigureAwait(false) is { } renewed)
        {
            code = await api.PostStatusAsync(report, renewed, cancellationToken).ConfigureAwait(false);
        }

        if (code is < 200 or >= 300)
        {
            LogReportFailed(code, session.LastError ?? "");
        }

        Reported?.Invoke(report, code);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No terminal status source is registered; MT5 status is not reported")]
    private partial void LogNoSource();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MT5 status report failed with {StatusCode} {LoginError}; the next report tries again")]
    private partial void LogReportFailed(int statusCode, string loginError);
}
