using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Signals;
using MasterSender.Simulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Ingress.Tests;

/// <summary>The real ingress in a real host on a free loopback port, with an in-memory journal.</summary>
internal sealed class IngressHost : IAsyncDisposable
{
    public const long Login = 5012345;

    private readonly IHost _host;
    private readonly List<TerminalSimulator> _simulators = [];

    private IngressHost(IHost host, RecordingJournal journal, FixedAccount account)
    {
        _host = host;
        Journal = journal;
        Account = account;
    }

    public RecordingJournal Journal { get; }
    public FixedAccount Account { get; }
    public IngressService Ingress => _host.Services.GetRequiredService<IngressService>();
    public TerminalStatusTracker Status => _host.Services.GetRequiredService<TerminalStatusTracker>();
    public IngressMetrics Metrics => _host.Services.GetRequiredService<IngressMetrics>();
    public int Port => Ingress.Port;
    public string Endpoint => $"tcp://127.0.0.1:{Port}";

    public static async Task<IngressHost> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? time = null, RecordingJournal? journal = null, int port = 0, CapturedLogs? logs = null)
    {
        journal ??= new RecordingJournal();
        var account = new FixedAccount(new AllowedAccount(Login, @"C:\Program Files\MetaTrader 5"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ingress:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<ISignalJournal>(journal);
        builder.Services.AddSingleton<IAllowedAccountProvider>(account);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddIngress(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new IngressHost(host, journal, account);
    }

    public TerminalSimulator Simulator(long login = Login, MarginMode mode = MarginMode.Hedging, SimulatorSettings? settings = null)
    {
        var simulator = new TerminalSimulator(SimulatedTerminal.Demo(login, mode), Endpoint, settings);
        _simulators.Add(simulator);
        return simulator;
    }

    /// <summary>A simulator that is connected, welcomed, and whose first snapshot the relay has taken in.</summary>
    public async Task<TerminalSimulator> ConnectedSimulatorAsync(MarginMode mode = MarginMode.Hedging)
    {
        var simulator = Simulator(mode: mode);
        var welcome = await simulator.ConnectAsync().WaitAsync(Eventually.DefaultTimeout);
        Assert.True(welcome.Accepted, welcome.Message);
        await Eventually.True(() => Journal.Commits >= 1, "the first snapshot to be adopted");
        return simulator;
    }

    public async Task<IReadOnlyList<Signal>> SignalsAsync(int count)
    {
        await Eventually.True(() => Journal.Signals.Count >= count, $"{count} signals (have {Journal.Signals.Count})");
        return Journal.Signals;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var simulator in _simulators)
        {
            simulator.Dispose();
        }

        await _host.StopAsync();
        _host.Dispose();
    }
}
