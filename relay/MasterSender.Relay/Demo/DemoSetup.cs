using MasterSender.Relay.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Relay.Demo;

/// <summary>
/// What `demo` adds to the real relay: a simulated terminal trading in a loop and, unless the user gave their own
/// API (Api:Url, Api:Username, Api:Password), a local sandbox API. The relay itself is the same as in `run`.
/// Each run starts from a fresh data folder (removed at exit), so it never opens with the last run's positions
/// closing or tickets reused; <c>--Storage:Path</c> on the command line keeps one across runs.
/// </summary>
public sealed class DemoSetup : IAsyncDisposable
{
    private readonly DemoSandbox? _sandbox;
    private readonly bool _freshFolder;

    private DemoSetup(DemoSandbox? sandbox, string dataFolder, bool freshFolder)
    {
        _sandbox = sandbox;
        DataFolder = dataFolder;
        _freshFolder = freshFolder;
    }

    /// <summary>Where this demo keeps its outbox, logs and keys.</summary>
    public string DataFolder { get; }

    public static async Task<DemoSetup> StartAsync(RelayCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var probe = new ConfigurationManager();
        RelayConfiguration.Apply(probe, command.ConfigurationArgs, DataPaths.DefaultDataFolder());
        var ownApi = !string.IsNullOrWhiteSpace(probe["Api:Url"]) && !string.IsNullOrWhiteSpace(probe["Api:Username"]) && !string.IsNullOrWhiteSpace(probe["Api:Password"]);
        // Only the command line chooses a demo's folder: a Storage:Path in appsettings.json or the environment is the
        // real relay's, and a demo must never trade into it.
        var given = new ConfigurationBuilder().AddCommandLine(command.ConfigurationArgs).Build()["Storage:Path"];
        var folder = string.IsNullOrWhiteSpace(given)
            ? Directory.CreateTempSubdirectory("MasterSender-demo-").FullName
            : Path.GetFullPath(given);
        return new DemoSetup(ownApi ? null : await DemoSandbox.StartAsync(), folder, string.IsNullOrWhiteSpace(given));
    }

    public void Configure(ConfigurationManager configuration)
    {
        // The demo runs beside a real relay if there is one: its own data folder (so its own lock) and EA port.
        configuration["Ingress:Port"] = "0";
        configuration["Storage:Path"] = DataFolder;
        if (_sandbox is not null)
        {
            configuration["Api:Url"] = _sandbox.Url;
            configuration["Api:Username"] = DemoSandbox.DemoUser;
            configuration["Api:Password"] = _sandbox.Password;
        }
    }

    public void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<DemoTerminalService>();
    }

    public string Describe() => (_sandbox is null
        ? "Demo: a simulated terminal trades on the account your API allows; signals go to your API."
        : $"Demo: a simulated terminal (account {DemoSandbox.DemoLogin}) trades every 1.5 s; signals go to a local sandbox API at {_sandbox.Url}, which verifies every signature.")
        + Environment.NewLine
        + (_freshFolder
            ? $"Demo data folder (fresh for this run, removed at exit; --Storage:Path=<folder> keeps one): {DataFolder}"
            : $"Demo data folder: {DataFolder}");

    public async ValueTask DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_freshFolder)
        {
            try
            {
                Directory.Delete(DataFolder, recursive: true);
            }
            catch (IOException)
            {
                // A log file still open (Windows): the folder is in the temp folder, which the OS cleans.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }
}
