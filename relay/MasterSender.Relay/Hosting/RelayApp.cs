using System.Net;
using MasterSender.Broadcast;
using MasterSender.Ingress;
using MasterSender.Outbox;
using MasterSender.Relay.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace MasterSender.Relay.Hosting;

/// <summary>Builds the relay: one web host carrying the status page, the EA ingress and the delivery services.</summary>
public static class RelayApp
{
    public static WebApplicationBuilder CreateBuilder(RelayCommand command, Action<ConfigurationManager>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        var demo = command.Verb == RelayVerb.Demo;
        var defaultData = demo ? Path.Combine(DataPaths.DefaultDataFolder(), "demo") : DataPaths.DefaultDataFolder();
        RelayConfiguration.Apply(builder.Configuration, command.ConfigurationArgs, defaultData);
        overrides?.Invoke(builder.Configuration);

        var dataFolder = DataPaths.EnsurePrivateFolder(builder.Configuration["Storage:Path"] ?? defaultData);
        PageSettings.AddTo(builder.Configuration, dataFolder);
        builder.Configuration["Storage:Path"] = dataFolder;
        var status = StatusOptionsValidator.Checked(builder.Configuration.GetSection(StatusOptions.Section).Get<StatusOptions>() ?? new StatusOptions());

        builder.Host.UseWindowsService(options => options.ServiceName = "MasterSenderRelay");
        builder.Host.UseSystemd();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, status.Port));
        // Each host its own logger: the static one would be shared by every relay in a process (tests, the bench) and
        // lose or misfile lines; this one is disposed, and so flushed, with the host.
        var console = builder.Configuration.GetValue("Logs:Console", defaultValue: true);
        builder.Services.AddSerilog((services, logger) => ConfigureLogging(logger, dataFolder, console, builder.Configuration), preserveStaticLogger: true);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new RelayRuntime(DateTimeOffset.UtcNow, demo, dataFolder));
        builder.Services.AddSingleton(sp => new PageSettings(dataFolder, sp.GetRequiredService<IHostApplicationLifetime>()));
        builder.Services.AddDataProtection()
            .SetApplicationName("MasterSender")
            .PersistKeysToFileSystem(new DirectoryInfo(DataPaths.EnsurePrivateFolder(Path.Combine(dataFolder, "keys"))))
            .ProtectKeysWithDpapiWhenAvailable();
        builder.Services.AddSingleton<ITokenStore>(sp => new ProtectedTokenStore(sp.GetRequiredService<IDataProtectionProvider>(), Path.Combine(dataFolder, "session.dat")));
        builder.Services.AddOutbox(builder.Configuration);
        builder.Services.AddBroadcast(builder.Configuration);
        builder.Services.AddIngress(builder.Configuration);
        builder.Services.AddStatusPage();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, error) =>
            // A browser that left mid-stream (the page's live feed) is no error of the relay's.
            error is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested ? LogEventLevel.Debug
            : error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/api/events") ? LogEventLevel.Verbose
            : LogEventLevel.Debug);
        app.MapStatusPage();
        return app;
    }

    public static void ConfigureLogging(LoggerConfiguration logger, string dataFolder, bool console = true, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        logger.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            // Polly logs every quick retry with the exception's stack trace (about 200 lines for one failed login). The
            // relay writes one line per failed call with its cause (login, signal, status report), so Polly says nothing.
            .MinimumLevel.Override("Polly", LogEventLevel.Fatal)
            // The host's own "Hosting failed to start" repeats, with a stack trace, a failure RelayRunner reports in
            // one line (StartFailure: the stack only when the failure was not foreseen).
            .Filter.ByExcluding(IsHostStartFailure)
            .Enrich.FromLogContext();
        if (configuration is not null)
        {
            // The Serilog section (MinimumLevel:Default, MinimumLevel:Override:<Source>) wins over the defaults above.
            SerilogLevels.Apply(logger, configuration);
        }

        // Queued: the delivery and ingress threads log every signal; they hand the event to a queue instead of
        // waiting on the console (journald, a slow terminal) and the file (QueuedLogSink: why not Sinks.Async).
        // Disposing the logger at shutdown drains the queue, and a full queue blocks rather than drops, so no line
        // is lost.
        logger.WriteTo.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(
                target => new QueuedLogSink(target),
                sinks =>
                {
                    if (console)
                    {
                        sinks.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    }

                    sinks.File(
                        Path.Combine(dataFolder, "logs", "relay-.log"),
                        rollingInterval: RollingInterval.Day,
                        retainedFileCountLimit: 14,
                        fileSizeLimitBytes: 50 * 1024 * 1024,
                        rollOnFileSizeLimit: true,
                        // Written in blocks, flushed every second and at shutdown, instead of a write to the file per
                        // line (one line per signal). A crash can lose that second of lines, as it loses what the
                        // async queue holds; the outbox, not the log, is what keeps a signal.
                        buffered: true,
                        flushToDiskInterval: TimeSpan.FromSeconds(1),
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }));
    }

    private static bool IsHostStartFailure(LogEvent logEvent) =>
        logEvent.Level == LogEventLevel.Error
        && logEvent.MessageTemplate.Text == "Hosting failed to start"
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" };

    private static IDataProtectionBuilder ProtectKeysWithDpapiWhenAvailable(this IDataProtectionBuilder builder) =>
        OperatingSystem.IsWindows() ? builder.ProtectKeysWithDpapi() : builder;
}
