using MasterSender.Ingress;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Hosting;

/// <summary>`run` and `demo`: take the single-instance lock, start, say where the page is, run until stopped.</summary>
public static partial class RelayRunner
{
    /// <summary>Another relay runs on the same data folder.</summary>
    public const int ExitAlreadyRunning = 3;

    /// <summary>The relay could not start (a setting missing or wrong, a port taken…): one line on stderr and in the log file says why.</summary>
    public const int ExitStartFailed = 4;

    public static async Task<int> RunAsync(RelayCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var dataFolder = command.Verb == RelayVerb.Demo ? Path.Combine(DataPaths.DefaultDataFolder(), "demo") : DataPaths.DefaultDataFolder();
        Demo.DemoSetup? demo = null;
        SingleInstanceLock? instance = null;
        try
        {
            try
            {
                demo = command.Verb == RelayVerb.Demo ? await Demo.DemoSetup.StartAsync(command) : null;
            }
#pragma warning disable CA1031 // No start-up failure may go unhandled (exit 134, nothing in the log): each is one line and exit 4.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await StartFailure.ReportAsync(exception, dataFolder);
                return ExitStartFailed;
            }

            // Each pass builds and runs the relay; a setting saved on the status page (the API URL) ends a pass and
            // starts the next, in this process and under the same lock.
            while (true)
            {
                WebApplication app;
                try
                {
                    var builder = RelayApp.CreateBuilder(command, demo is null ? null : demo.Configure);

                    // The lock lives in the data folder itself, and is taken before anything opens the outbox: two
                    // relays can never share one outbox, whatever their environment (service and user session).
                    dataFolder = builder.Configuration["Storage:Path"]!;
                    if (instance is null)
                    {
                        instance = SingleInstanceLock.TryAcquire(DataPaths.LockFile(dataFolder), out var holder);
                        if (instance is null)
                        {
                            await StartFailure.ReportAsync($"MasterSender relay is already running on {dataFolder} ({holder}). Only one relay may use a data folder; stop it first, or open its status page.", dataFolder);
                            return ExitAlreadyRunning;
                        }
                    }

                    demo?.AddServices(builder);
                    app = RelayApp.Build(builder);
                }
#pragma warning disable CA1031 // As above.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    await StartFailure.ReportAsync(exception, dataFolder);
                    return ExitStartFailed;
                }

                Exception? startFailure;
                await using (app)
                {
                    startFailure = await RunOnceAsync(app, instance, demo);
                    if (startFailure is null && !app.Services.GetRequiredService<PageSettings>().RestartRequested)
                    {
                        return 0;
                    }
                }

                // Reported once the host is disposed: its log file is written in blocks, and a second writer on the
                // same file before that flush would interleave the two.
                if (startFailure is not null)
                {
                    await StartFailure.ReportAsync(startFailure, dataFolder);
                    return ExitStartFailed;
                }

                await Console.Out.WriteLineAsync("Restarting with the settings saved on the status page.");
            }
        }
        finally
        {
            instance?.Dispose();
            if (demo is not null)
            {
                await demo.DisposeAsync();
            }
        }
    }

    /// <summary>Starts, says where the page is, runs until stopped; the failure when it could not start.</summary>
    private static async Task<Exception?> RunOnceAsync(WebApplication app, SingleInstanceLock instance, Demo.DemoSetup? demo)
    {
        try
        {
            await app.StartAsync();
        }
#pragma warning disable CA1031 // No start-up failure may go unhandled: one line and exit 4.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception;
        }

        var pageUrl = PageUrl(app);
        instance.Announce(pageUrl);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MasterSender.Relay");
        LogConfigurationSources(log, RelayConfiguration.DescribeSources(app.Configuration));
        LogStatusPage(log, pageUrl);
        await Console.Out.WriteLineAsync($"MasterSender relay is running. Status page: {pageUrl}  (EA port {app.Services.GetRequiredService<IngressService>().Port}; Ctrl+C to stop)");
        if (demo is not null)
        {
            await Console.Out.WriteLineAsync(demo.Describe());
        }

        await app.WaitForShutdownAsync();
        return null;
    }

    public static string PageUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1";
        return address.TrimEnd('/') + "/";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration read from, lowest first: {Sources}")]
    private static partial void LogConfigurationSources(ILogger log, string sources);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status page: {PageUrl}")]
    private static partial void LogStatusPage(ILogger log, string pageUrl);
}
