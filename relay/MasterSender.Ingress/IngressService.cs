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
/// The port itself is <see cref="IngressFront"/>'s, which admits connections to the ROUTER. When NetMQ throws on the
/// socket thread the ROUTER is rebuilt: the EAs' connections close, they reconnect and say hello, and the relay asks
/// each for a snapshot as for any new session; <see cref="IngressMetrics.SocketRestarts"/> shows it.
/// </summary>
public sealed class IngressService : BackgroundService
{
    private const int MaxFramesPerCommit = 256;
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RebuildRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IngressOptions _options;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<IngressService> _logger;
    private readonly SessionManager _sessions;
    private readonly SignalPipeline _pipeline;
    private readonly Lock _gate = new();
    private readonly ConnectionRefusalLog _refusals;
    private int _handledSinceCommit;
    private volatile RouterEndpoint? _endpoint;
    private IngressFront? _front;
    private ITimer? _sweepTimer;
    private volatile bool _stopping;
    private ITimer? _lookupTimer;

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
        _refusals = new ConnectionRefusalLog(logger, metrics, time);
        _sessions = new SessionManager(_options, accounts, pipeline, status, metrics, time, logger, RelayVersion, apiHealth ?? new AlwaysHealthy());
    }

    public static string RelayVersion { get; } =
        typeof(IngressService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The port actually bound (differs from the option when it is 0). Valid after start.</summary>
    public int Port => _front?.Port ?? throw new InvalidOperationException("The ingress has not started.");

    /// <summary>The ROUTER's private port behind the front door (tests reach NetMQ directly through it).</summary>
    internal int RouterPort => _endpoint?.Port ?? throw new InvalidOperationException("The ingress has not started.");

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
        _endpoint = NewEndpoint();
        try
        {
            _front = new IngressFront(_options, () => RouterPort, _metrics, _refusals, _time, _logger);
        }
        catch
        {
            _endpoint.Dispose();
            throw;
        }

        _front.Start();
        _logger.LogInformation("Listening for the EA on tcp://127.0.0.1:{Port}", _front.Port);
        _sweepTimer = _time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
        _lookupTimer = _time.CreateTimer(_ => SendLookups(), null, _options.LookupInterval, _options.LookupInterval);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_sweepTimer is not null)
        {
            await _sweepTimer.DisposeAsync();
        }

        _front?.Dispose();
        if (_lookupTimer is not null)
        {
            await _lookupTimer.DisposeAsync();
        }

        _endpoint?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping = true;
        _sweepTimer?.Dispose();
        _front?.Dispose();
        _lookupTimer?.Dispose();
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
        _refusals.Flush();
        lock (_gate)
        {
            _sessions.Sweep(_endpoint!.Send);
        }
    }

    private RouterEndpoint NewEndpoint() => new(_options, OnFrame, CommitStaged, _metrics, OnRouterFailed);

    // Runs on the dying socket thread; the rebuild runs elsewhere so that thread can end.
    private void OnRouterFailed(Exception failure)
    {
        _logger.LogError(failure, "The EA socket failed inside NetMQ; rebuilding it. Connected EAs reconnect and send their state again");
        _metrics.SocketRestarted($"{failure.GetType().Name}: {failure.Message}");
        _ = Task.Run(RebuildAsync);
    }

    private async Task RebuildAsync()
    {
        while (!_stopping)
        {
            try
            {
                var replacement = NewEndpoint();
                RouterEndpoint? failed;
                lock (_gate)
                {
                    failed = _endpoint;
                    _endpoint = replacement;
                }

                failed?.Dispose();
                if (_stopping)
                {
                    // Stopped while this was built: StopAsync may already have disposed the one it saw.
                    replacement.Dispose();
                    return;
                }

                _front?.CloseEstablished("the EA socket was rebuilt");
                _logger.LogInformation("The EA socket is rebuilt; the ROUTER listens on private port {RouterPort}", replacement.Port);
                return;
            }
#pragma warning disable CA1031 // A rebuild that fails (no free port, out of descriptors) is tried again: the EA port must come back.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                _logger.LogError("Rebuilding the EA socket failed ({Error}); trying again in {Seconds} s", failure.Message, RebuildRetryDelay.TotalSeconds);
                await Task.Delay(RebuildRetryDelay, _time);
            }
        }
    }

    private void SendLookups()
    {
        lock (_gate)
        {
            _sessions.SendLookups(_endpoint!.Send);
        }
    }
}

/// <summary>Hosts without a signal API (ingress tests, benchmarks) report it healthy, as protocol v1 relays did.</summary>
internal sealed class AlwaysHealthy : IApiHealth
{
    public ApiHealthState Current => ApiHealthState.Healthy;
}
