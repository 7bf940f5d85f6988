using System.Reflection;
using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// Binds the EA port at start (so a taken port stops the relay with a clear message), then applies every inbound
/// frame to the session rules and the signal pipeline on the socket's own thread (<see cref="RouterEndpoint"/>).
/// </summary>
public sealed class IngressService : BackgroundService
{
    private const int MaxFramesPerCommit = 256;
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    private readonly IngressOptions _options;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<IngressService> _logger;
    private readonly SessionManager _sessions;
    private readonly SignalPipeline _pipeline;
    private readonly Lock _gate = new();
    private int _handledSinceCommit;
    private RouterEndpoint? _endpoint;
    private ITimer? _sweepTimer;

    public IngressService(
        IOptions<IngressOptions> options,
        IAllowedAccountProvider accounts,
        SignalPipeline pipeline,
        TerminalStatusTracker status,
        IngressMetrics metrics,
        TimeProvider time,
        ILogger<IngressService> logger,
        IApiHealth? apiHealth = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pipeline = pipeline;
        _sessions = new SessionManager(_options, accounts, pipeline, status, metrics, time, logger, RelayVersion, apiHealth ?? new AlwaysHealthy());
    }

    public static string RelayVersion { get; } =
        typeof(IngressService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The port actually bound (differs from the option when it is 0). Valid after start.</summary>
    public int Port => _endpoint?.Port ?? throw new InvalidOperationException("The ingress has not started.");

    public int ActiveSessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.ActiveSessions;
            }
        }
    }

    /// <summary>Reads the account's book consistently: the socket thread mutates it under the same lock.</summary>
    public T ReadBook<T>(long login, Func<Core.Book.TradeBook, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate)
        {
            return read(_pipeline.BookFor(login));
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _endpoint = new RouterEndpoint(_options, OnFrame, CommitStaged, _metrics);
        _logger.LogInformation("Listening for the EA on tcp://127.0.0.1:{Port}", _endpoint.Port);
        _sweepTimer = _time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sweepTimer is not null)
        {
            await _sweepTimer.DisposeAsync();
        }

        _endpoint?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _sweepTimer?.Dispose();
        _endpoint?.Dispose();
        base.Dispose();
    }

    // The socket thread does the work (RouterEndpoint); nothing runs here.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    private void OnFrame(InboundFrame frame, Action<OutboundFrame> send)
    {
        lock (_gate)
        {
            try
            {
                _sessions.Handle(frame, send);
            }
#pragma warning disable CA1031 // This runs on the socket thread: one bad message must not stop the EA's connection.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                _logger.LogError(failure, "Handling a message from the EA failed; the terminal will resend its state");
            }

            // Group commit: what queued up while the last commit was on disk goes in one transaction. A cap keeps a
            // flood from holding the first signal of the batch back for long.
            if (++_handledSinceCommit == MaxFramesPerCommit)
            {
                CommitStagedLocked(send);
            }
        }
    }

    private void CommitStaged(Action<OutboundFrame> send)
    {
        lock (_gate)
        {
            CommitStagedLocked(send);
        }
    }

    private void CommitStagedLocked(Action<OutboundFrame> send)
    {
        _handledSinceCommit = 0;
        _sessions.CommitStaged(send);
    }

    private void Sweep()
    {
        lock (_gate)
        {
            _sessions.Sweep(_endpoint!.Send);
        }
    }
}

/// <summary>Hosts without a signal API (ingress tests, benchmarks) report it healthy, as protocol v1 relays did.</summary>
internal sealed class AlwaysHealthy : IApiHealth
{
    public ApiHealthState Current => ApiHealthState.Healthy;
}
