using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

/// <summary>The broadcast side for real: SQLite file in a temp folder, HTTP to the sandbox on loopback, a fake clock
/// for every delay the relay decides (retries, expiry, status period).</summary>
internal sealed class DeliveryHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _folder;

    private DeliveryHost(IHost host, string folder, FakeTimeProvider time)
    {
        _host = host;
        _folder = folder;
        Time = time;
    }

    public FakeTimeProvider Time { get; }
    public SqliteOutbox Outbox => _host.Services.GetRequiredService<SqliteOutbox>();
    public ApiSession Session => _host.Services.GetRequiredService<ApiSession>();
    public DeliveryService Delivery => _host.Services.GetRequiredService<DeliveryService>();
    public IServiceProvider Services => _host.Services;

    public static async Task<DeliveryHost> StartAsync(SandboxServer api, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool login = true)
    {
        var folder = Directory.CreateTempSubdirectory("ms-delivery-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        api.State.Clock = time;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("MS_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Api:Url"] = api.Url,
            ["Api:Username"] = login ? SandboxServer.User : null,
            ["Api:Password"] = login ? SandboxServer.Password : null,
            // Quick retries inside one attempt wait on the clock; with a fake clock the outbox's own retries are tested instead.
            ["Api:RequestRetries"] = "0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(time);
        services?.Invoke(builder.Services);
        builder.Services.AddSingleton<MasterSender.Core.Terminal.ITerminalStatusSource, MasterSender.Ingress.TerminalStatusTracker>();
        builder.Services.AddBroadcast(builder.Configuration, Path.Combine(folder, "outbox.db"));
        var host = builder.Build();
        await host.StartAsync();
        var delivery = new DeliveryHost(host, folder, time);
        if (login)
        {
            await Eventually.True(() => delivery.Session.LoggedIn, "the login at start");
        }

        return delivery;
    }

    /// <summary>Stores signals as the pipeline does, and wakes delivery as the pipeline's Committed event does.</summary>
    public void Commit(params Signal[] signals)
    {
        Outbox.Commit(SandboxServer.AllowedLogin, signals, "{}");
        Delivery.Wake();
    }

    public static Signal Signal(long ticket, SignalAction action = SignalAction.Open, int revision = 1, long login = SandboxServer.AllowedLogin, long detectedAtMs = 0) => new()
    {
        IdempotencyKey = $"{login}-P{ticket}-{revision}",
        Action = action,
        MasterLogin = login,
        MasterTicket = ticket,
        Symbol = "EURUSD",
        Type = "BUY",
        Volume = 0.1,
        Price = 1.085,
        Sl = 1.08,
        Tp = 1.09,
        DetectedAtMs = detectedAtMs,
    };

    public Signal SignalNow(long ticket, SignalAction action = SignalAction.Open, int revision = 1, long login = SandboxServer.AllowedLogin) =>
        Signal(ticket, action, revision, login, Time.GetUtcNow().ToUnixTimeMilliseconds());

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
