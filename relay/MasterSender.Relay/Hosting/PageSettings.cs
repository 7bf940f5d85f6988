using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// What the status page may set: today the API's URL, when none is configured (a relay started hidden at logon must
/// not die for want of it). Kept in <c>settings.json</c> of the data folder, read below environment variables and the
/// command line; saving it restarts the relay in the same process (<see cref="RestartRequested"/>).
/// </summary>
public sealed class PageSettings(string dataFolder, IHostApplicationLifetime lifetime)
{
    public const string FileName = "settings.json";

    public bool RestartRequested { get; private set; }

    /// <summary>Adds the data folder's settings.json to the configuration, just below the environment variables.</summary>
    public static void AddTo(ConfigurationManager configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var source = new JsonConfigurationSource { Path = FileName, Optional = true, FileProvider = new PhysicalFileProvider(dataFolder) };
        var sources = configuration.Sources;
        var firstEnvironment = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        sources.Insert(firstEnvironment < 0 ? sources.Count : firstEnvironment, source);
    }

    /// <summary>Stores the API URL and restarts the relay so that everything uses it; under the Windows service
    /// manager, which cannot see a restart inside the process, returns false: the service must be restarted.</summary>
    public bool SaveApiUrl(string url)
    {
        var path = Path.Combine(dataFolder, FileName);
        using (var file = new FileStream(path, PrivateFile.Create()))
        {
            JsonSerializer.Serialize(file, new Dictionary<string, Dictionary<string, string>> { ["Api"] = new() { ["Url"] = url } }, HostingJsonContext.Default.DictionaryStringDictionaryStringString);
        }

        if (Microsoft.Extensions.Hosting.WindowsServices.WindowsServiceHelpers.IsWindowsService())
        {
            return false;
        }

        RestartRequested = true;
        lifetime.StopApplication();
        return true;
    }
}
