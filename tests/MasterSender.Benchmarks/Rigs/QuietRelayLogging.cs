using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Serilog;
using Serilog.Events;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// RelayApp registers Serilog with a console sink at Information: one line per sent signal, thousands per run, which
/// drowns the results and costs the relay console writes the product's service never pays. Serilog's AddSerilog
/// registers the ILoggerFactory, and the last registration is the one resolved, so a second registration here
/// replaces the relay's: the same levels and the same daily file in the data folder, without the console.
/// </summary>
internal static class QuietRelayLogging
{
    public static void Apply(WebApplicationBuilder builder, string dataFolder)
    {
        builder.Services.AddSerilog((_, logger) => logger.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.File(Path.Combine(dataFolder, "logs", "relay-.log"), rollingInterval: RollingInterval.Day, formatProvider: CultureInfo.InvariantCulture));
    }
}
