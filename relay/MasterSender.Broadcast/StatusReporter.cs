using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Core.Protocol;
using MasterSender.Core.Terminal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary><c>POST /mt5/status</c> every <c>Signals:StatusInterval</c> (60 s, as the seed did) and at once when the
/// terminal connects or goes away, so the API's dashboard turns red within seconds instead of a minute.</summary>
public sealed class StatusReporter(
    ApiClient api,
    ApiSession session,
    ITerminalStatusSource terminal,
    IOptionsMonitor<SignalOptions> options,
    TimeProvider time,
    ILogger<StatusReporter> logger) : BackgroundService
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int? _lastStatusCode = 0;

    /// <summary>Reports sent, for the page and the tests.</summary>
    public int ReportsSent { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnChange(TerminalStatus _) => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        terminal.Changed += OnChange;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = Volatile.Read(ref _changed).Task;
                await ReportAsync(stoppingToken);
                await Task.WhenAny(changed, Task.Delay(options.CurrentValue.StatusInterval, time, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            terminal.Changed -= OnChange;
        }
    }

    private async Task ReportAsync(CancellationToken stoppingToken)
    {
        if (session.Token is not { } token)
        {
            return;
        }

        var status = terminal.Current;
        var account = status.Account;
        var report = new StatusReport(
            status.Connected,
            account?.Login,
            account?.Server,
            account?.Company,
            account?.Currency,
            account?.Balance,
            account?.Equity,
            account?.Margin,
            account?.MarginFree,
            account?.MarginLevel,
            account?.Leverage,
            account?.MarginMode.ToWire(),
            status.OpenPositions,
            status.PendingOrders,
            status.Connected ? null : status.Reason,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        var code = await api.PostStatusAsync(JsonSerializer.Serialize(report, StatusReportJsonContext.Default.StatusReport), token, stoppingToken);
        ReportsSent++;
        if (code != _lastStatusCode)
        {
            if (code is >= 200 and < 300)
            {
                logger.LogInformation("Terminal status reported to the API (connected: {Connected})", status.Connected);
            }
            else
            {
                logger.LogWarning("The API did not take the terminal status ({StatusCode}); reporting again in {Seconds} s", code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unreachable", options.CurrentValue.StatusInterval.TotalSeconds);
            }

            _lastStatusCode = code;
        }

        if (code == 401)
        {
            await session.ReloginAsync(stoppingToken, token);
        }
    }
}

/// <summary>The body of <c>POST /mt5/status</c> (docs/api-contract.md).</summary>
public sealed record StatusReport(
    bool Connected,
    long? Login,
    string? Server,
    string? Company,
    string? Currency,
    double? Balance,
    double? Equity,
    double? Margin,
    double? MarginFree,
    double? MarginLevel,
    long? Leverage,
    string? MarginMode,
    int OpenPositions,
    int PendingOrders,
    string? Reason,
    long ReportedAtMs);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusReportJsonContext : JsonSerializerContext;
