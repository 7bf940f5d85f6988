using MasterSender.Core.Book;
using MasterSender.Core.Signals;
using MasterSender.Core.Terminal;
using MasterSender.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

/// <summary>The broadcast side as the product wires it (AddBroadcast), on a real SQLite file, with a fake clock.</summary>
public sealed class RelayHarness : IAsyncDisposable
{
    private readonly IHost host;

    private RelayHarness(IHost host, FakeTimeProvider time, string directory)
    {
        this.host = host;
        Time = time;
        Directory = directory;
    }

    public FakeTimeProvider Time { get; }

    public string Directory { get; }

    public FakeTerminal Terminal => host.Services.GetRequiredService<FakeTerminal>();

    public SqliteOutbox Outbox => host.Services.GetRequiredService<SqliteOutbox>();

    public DeliveryService Delivery => host.Services.GetRequiredService<DeliveryService>();

    public HistoryCleaner Cleaner => host.Services.GetRequiredService<HistoryCleaner>();

    public ApiSession Session => host.Services.GetRequiredService<ApiSession>();

    public ApiHealth Health => host.Services.GetRequiredService<ApiHealth>();

    public StatusReporter Status => host.Services.GetRequiredService<StatusReporter>();

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public static async Task<RelayHarness> StartAsync(string apiUrl, string? directory = null, Dictionary<string, string?>? settings = null, FakeTimeProvider? time = null, Action<HostApplicationBuilder>? configure = null)
    {
        directory ??= TempDirectory.Create();
        time ??= new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Api:Url"] = apiUrl,
            ["Api:Username"] = "master",
            ["Api:Password"] = "secret",
            ["Storage:Path"] = directory,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<FakeTerminal>();
        builder.Services.AddSingleton<ITerminalStatusSource>(sp => sp.GetRequiredService<FakeTerminal>());
        builder.AddBroadcast();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new RelayHarness(host, time, directory);
    }

    /// <summary>What the pipeline does: commit, then wake delivery.</summary>
    public void Commit(IEnumerable<Signal> signals, BookChanges? book = null)
    {
        Outbox.Commit(Signals.Login, signals.ToList(), book ?? Signals.NoBook);
        Delivery.Notify();
    }

    /// <summary>What the relay's pipeline does: commit, then wake delivery for the tickets touched only.</summary>
    public void CommitAndNotifyTickets(IReadOnlyList<Signal> signals)
    {
        Outbox.Commit(Signals.Login, signals, Signals.NoBook);
        Delivery.Notify(Signals.Login, signals.Select(signal => signal.MasterTicket));
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

public sealed class FakeTerminal : ITerminalStatusSource
{
    public TerminalStatus Current { get; private set; } = TerminalStatus.Disconnected("no terminal yet");

    public event Action<TerminalStatus>? Changed;

    public void Set(TerminalStatus status)
    {
        Current = status;
        Changed?.Invoke(status);
    }
}

public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "mastersender-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
