using MasterSender.Ingress;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Hosting;

/// <summary>`run` and `demo`: take the single-instance lock, start, say where the page is, run until stopped.</summary>
public static class RelayRunner
{
    public const int ExitAlreadyRunning = 3;
    public const int ExitStartFailed = 4;

    public static async Task<int> RunAsync(RelayCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var demo = command.Verb == RelayVerb.Demo ? await Demo.DemoSetup.StartAsync(command) : null;
        WebApplication app;
        try
        {
            var builder = RelayApp.CreateBuilder(command, demo is null ? null : demo.Configure);
            demo?.AddServices(builder);
            app = RelayApp.Build(builder);
        }
        catch (InvalidOperationException exception)
        {
            await Console.Error.WriteLineAsync("Configuration error: " + exception.Message);
            return ExitStartFailed;
        }

        var lockFile = app.Configuration["Storage:LockFile"] ?? DataPaths.DefaultLockFile();
        using var instance = SingleInstanceLock.TryAcquire(lockFile, out var holder);
        if (instance is null)
        {
            await Console.Error.WriteLineAsync($"MasterSender relay is already running ({holder}). Only one relay may run per user; stop it first, or open its status page.");
            return ExitAlreadyRunning;
        }

        try
        {
            await app.StartAsync();
        }
        catch (Exception exception) when (exception is IngressStartException or IOException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync("Could not start: " + exception.Message);
            return ExitStartFailed;
        }

        var pageUrl = PageUrl(app);
        instance.Announce(pageUrl);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MasterSender.Relay");
        log.LogInformation("Configuration read from, lowest first: {Sources}", RelayConfiguration.DescribeSources(app.Configuration));
        log.LogInformation("Status page: {PageUrl}", pageUrl);
        await Console.Out.WriteLineAsync($"MasterSender relay is running. Status page: {pageUrl}  (EA port {app.Services.GetRequiredService<IngressService>().Port}; Ctrl+C to stop)");
        if (demo is not null)
        {
            await Console.Out.WriteLineAsync(demo.Describe());
        }
        await app.WaitForShutdownAsync();
        // Disposing the host flushes the logs before the demo, if any, removes its data folder.
        await app.DisposeAsync();
        return 0;
    }

    public static string PageUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1";
        return address.TrimEnd('/') + "/";
    }
}
