using System.Reflection;
using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// Binds the EA port at start (so a taken port stops the relay with a clear message), then applies every inbound
/// frame to the session rules and the signal pipeline on the socket's own thread (<see cref="RouterEndpoint"/>, which
/// runs the <see cref="IngressLoop"/>). The port itself is <see cref="IngressFront"/>'s, which admits connections to the
/// ROUTER. When NetMQ throws on the socket thread the ROUTER is rebuilt: the EAs' connections close, they reconnect and
/// say hello, and the relay asks each for a snapshot as for any new session; <see cref="IngressMetrics.SocketRestarts"/>
/// shows it.
/// Owner: this class only starts, stops and rebuilds. Its timers touch no session or book: they enqueue the sweep and
/// the lookups onto the poller thread. <see cref="_endpoint"/> is written by start, then by one rebuild at a time (the
/// next endpoint can only fail, and so start the next rebuild, after the last rebuild started it); readers see it through
/// a volatile read. <see cref="_front"/> and the timers are set once by start and disposed by stop. Readers of sessions
/// and books read what the poller published (<see cref="Book"/>).
/// </summary>
public sealed partial class IngressService : BackgroundService
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RebuildRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IngressOptions _options;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<IngressService> _logger;
    private readonly IngressLoop _loop;
    private readonly ConnectionRefusalLog _refusals;
    private readonly Action _sweep;
    private readonly Action _sendLookups;
    private volatile RouterEndpoint? _endpoint;
    private volatile bool _stopping;
    private IngressFront? _front;
    private ITimer? _sweepTimer;
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
        _refusals = new ConnectionRefusalLog(logger, metrics, time);
        var replies = new Replies();
        var books = new BookViews();
        var sessions = new SessionManager(_options, accounts, pipeline, status, metrics, time, logger, RelayVersion, apiHealth ?? new AlwaysHealthy(), replies, books);
        _loop = new IngressLoop(sessions, pipeline, metrics, replies, books, logger);
        _sweep = _loop.Sweep;
        _sendLookups = _loop.SendLookups;
    }

    public static string RelayVersion { get; } =
        typeof(IngressService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The port actually bound (differs from the option when it is 0). Valid after start.</summary>
    public int Port => _front?.Port ?? throw new InvalidOperationException("The ingress has not started.");

    /// <summary>The ROUTER's private port behind the front door (tests reach NetMQ directly through it).</summary>
    internal int RouterPort => _endpoint?.Port ?? throw new InvalidOperationException("The ingress has not started.");

    /// <summary>Accepted EA sessions, as of the poller's last turn.</summary>
    public int ActiveSessions => _metrics.ActiveSessions;

    /// <summary>
    /// The account's book as of the poller's last turn that touched it: an immutable view, safe on any thread. A book no
    /// turn has touched since start (the relay restarted and no EA has connected) is loaded on the poller and shows on a
    /// later read; until then the view is empty.
    /// </summary>
    public BookView Book(long login)
    {
        if (_loop.Books.Find(login) is { } view)
        {
            return view;
        }

        _endpoint?.Post(() => _loop.PublishBook(login));
        return BookView.Empty(login);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = NewEndpoint();
        try
        {
            _front = new IngressFront(_options, () => RouterPort, _metrics, _refusals, _time, _logger);
        }
        catch
        {
            endpoint.Dispose();
            throw;
        }

        _endpoint = endpoint;
        endpoint.Start();
        _front.Start();
        LogListening(_front.Port);
        _sweepTimer = _time.CreateTimer(_ => OnSweepTick(), null, SweepPeriod, SweepPeriod);
        _lookupTimer = _time.CreateTimer(_ => _endpoint?.Post(_sendLookups), null, _options.LookupInterval, _options.LookupInterval);
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

    // A timer thread: the refusal summary is the front door's (it has its own lock); the sweep is the poller's.
    private void OnSweepTick()
    {
        _refusals.Flush();
        _endpoint?.Post(_sweep);
    }

    private RouterEndpoint NewEndpoint() => new(_options, _loop, OnRouterFailed);

    // Runs on the dying socket thread; the rebuild runs elsewhere so that thread can end.
    private void OnRouterFailed(Exception failure)
    {
        LogRouterFailed(failure);
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
                var failed = _endpoint;
                _endpoint = replacement;
                failed?.Dispose();
                if (_stopping)
                {
                    // Stopped while this was built: StopAsync may already have disposed the one it saw.
                    replacement.Dispose();
                    return;
                }

                // Only now may a poller thread own the loop again: the failed one has left it (it called us).
                replacement.Start();
                _front?.CloseEstablished("the EA socket was rebuilt");
                LogRebuilt(replacement.Port);
                return;
            }
#pragma warning disable CA1031 // A rebuild that fails (no free port, out of descriptors) is tried again: the EA port must come back.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                LogRebuildFailed(failure.Message, RebuildRetryDelay.TotalSeconds);
                await Task.Delay(RebuildRetryDelay, _time);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for the EA on tcp://127.0.0.1:{Port}")]
    private partial void LogListening(int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "The EA socket failed inside NetMQ; rebuilding it. Connected EAs reconnect and send their state again")]
    private partial void LogRouterFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The EA socket is rebuilt; the ROUTER listens on private port {RouterPort}")]
    private partial void LogRebuilt(int routerPort);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding the EA socket failed ({Error}); trying again in {Seconds} s")]
    private partial void LogRebuildFailed(string error, double seconds);
}

/// <summary>Hosts without a signal API (ingress tests, benchmarks) report it healthy, as protocol v1 relays did.</summary>
internal sealed class AlwaysHealthy : IApiHealth
{
    public ApiHealthState Current => ApiHealthState.Healthy;
}
