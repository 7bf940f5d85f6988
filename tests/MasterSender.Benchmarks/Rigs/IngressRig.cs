using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Ingress;
using MasterSender.Simulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// The real ingress and book over real loopback sockets with a <see cref="TimingJournal"/> instead of the outbox,
/// and a connected simulator: isolates ingress + book from storage and delivery.
/// </summary>
internal sealed class IngressRig : IAsyncDisposable
{
    private readonly IHost _host;

    private IngressRig(IHost host, TimingJournal journal, TerminalSimulator terminal)
    {
        _host = host;
        Journal = journal;
        Terminal = terminal;
    }

    public TimingJournal Journal { get; }

    public TerminalSimulator Terminal { get; }

    public static async Task<IngressRig> StartAsync()
    {
        var journal = new TimingJournal();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ingress:Port"] = "0" });
        builder.Services.AddSingleton<ISignalJournal>(journal);
        builder.Services.AddSingleton<IAllowedAccountProvider>(new FixedAccount());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddIngress(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        var port = host.Services.GetRequiredService<IngressService>().Port;
        var terminal = new TerminalSimulator(SimulatedTerminal.Demo(Fixtures.Login), $"tcp://127.0.0.1:{port}", new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return welcome.Accepted
            ? new IngressRig(host, journal, terminal)
            : throw new InvalidOperationException("The ingress refused the simulator: " + welcome.Message);
    }

    public async ValueTask DisposeAsync()
    {
        Terminal.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        Journal.Dispose();
    }

    private sealed class FixedAccount : IAllowedAccountProvider
    {
        public AllowedAccount? Current { get; } = new(Fixtures.Login, null);
    }
}
