using MasterSender.Broadcast;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: KillTarget --Api:Url=http://127.0.0.1:port --Storage:Path=/tmp/x [--Signals:MaxParallelDeliveries=4]
// Delivers whatever the outbox holds until it is killed. Credentials default to the sandbox's.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Configuration["Api:Username"] ??= "master";
builder.Configuration["Api:Password"] ??= "secret";
builder.AddBroadcast();
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");
await host.WaitForShutdownAsync();
