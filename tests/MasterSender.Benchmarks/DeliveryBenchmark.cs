using BenchmarkDotNet.Attributes;
using MasterSender.Broadcast;
using MasterSender.Outbox;
using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks;

/// <summary>
/// Commit → signed POST → API acknowledgement → marked sent, through the real outbox (SQLite file) and the sandbox
/// API on loopback Kestrel. One invocation = 100 signals on 100 tickets.
/// </summary>
public class DeliveryBenchmark
{
    private const int Tickets = 100;
    private WebApplication? api;
    private IHost? relay;
    private SqliteOutbox? outbox;
    private DeliveryService? delivery;
    private long revision;
    private int sent;
    private TaskCompletionSource? allSent;

    /// <summary>0 = the API answers at once (throughput); 50 = an API 50 ms away (target: under 150 ms for the batch).</summary>
    [Params(0, 50)]
    public int ApiDelayMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var state = new SandboxApiState();
        state.Faults.BroadcastDelay = TimeSpan.FromMilliseconds(ApiDelayMs);
        api = SandboxHosting.StartOnLoopbackAsync(state).GetAwaiter().GetResult();
        var url = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Api:Url"] = url,
            ["Api:Username"] = state.Username,
            ["Api:Password"] = state.Password,
            ["Storage:Path"] = Path.Combine(Path.GetTempPath(), "mastersender-bench", Guid.NewGuid().ToString("N")),
            ["Signals:MaxParallelDeliveries"] = "128",
        });
        builder.AddBroadcast();
        relay = builder.Build();
        relay.StartAsync().GetAwaiter().GetResult();
        outbox = relay.Services.GetRequiredService<SqliteOutbox>();
        delivery = relay.Services.GetRequiredService<DeliveryService>();
        delivery.Completed += (_, _) =>
        {
            if (Interlocked.Increment(ref sent) == Tickets)
            {
                allSent?.TrySetResult();
            }
        };
        relay.Services.GetRequiredService<ApiSession>().GetTokenAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Tickets, Description = "per signal, 100 signals on 100 tickets")]
    public async Task HundredSignalsOnHundredTickets()
    {
        sent = 0;
        allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var round = Interlocked.Increment(ref revision);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        outbox!.Commit(BenchSignals.Login, Enumerable.Range(1, Tickets).Select(t => BenchSignals.Make(t, round, now)).ToList(), BenchSignals.NoBook);
        delivery!.Notify();
        await allSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        relay?.StopAsync().GetAwaiter().GetResult();
        relay?.Dispose();
        api?.StopAsync().GetAwaiter().GetResult();
        api?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
