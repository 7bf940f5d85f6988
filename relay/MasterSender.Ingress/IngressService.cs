using System.Reflection;
using System.Threading.Channels;
using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// Binds the EA port at start (so a taken port stops the relay with a clear message), then feeds every inbound
/// frame to the session rules and the signal pipeline on one processing task.
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
    private readonly Channel<InboundFrame> _inbound;
    private RouterEndpoint? _endpoint;
    private ITimer? _sweepTimer;

    public IngressService(
        IOptions<IngressOptions> options,
        IAllowedAccountProvider accounts,
        SignalPipeline pipeline,
        TerminalStatusTracker status,
        IngressMetrics metrics,
        TimeProvider time,
        ILogger<IngressService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pipeline = pipeline;
        _sessions = new SessionManager(_options, accounts, pipeline, status, metrics, time, logger, RelayVersion);
        _inbound = Channel.CreateBounded<InboundFrame>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
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

    /// <summary>Reads the account's book consistently: the processing thread mutates it under the same lock.</summary>
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
        _endpoint = new RouterEndpoint(_options, _inbound.Writer, _metrics);
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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // A dedicated thread rather than the thread pool: a signal must not wait behind page requests or a
        // starved pool, and a blocked wait wakes directly when the socket thread writes.
        Task.Factory.StartNew(() => Process(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Process(CancellationToken stoppingToken)
    {
        var reader = _inbound.Reader;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Group commit: what queued up while the last commit was on disk goes in one transaction. A cap
                // keeps a flood from holding the first signal of the batch back for long.
                var handled = 0;
                while (reader.TryRead(out var frame))
                {
                    lock (_gate)
                    {
                        _sessions.Handle(frame, _endpoint!.Send);
                        if (++handled == MaxFramesPerCommit)
                        {
                            _sessions.CommitStaged(_endpoint.Send);
                            handled = 0;
                        }
                    }
                }

                lock (_gate)
                {
                    _sessions.CommitStaged(_endpoint!.Send);
                }

                if (!reader.WaitToReadAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void Sweep()
    {
        lock (_gate)
        {
            _sessions.Sweep(_endpoint!.Send);
        }
    }
}
