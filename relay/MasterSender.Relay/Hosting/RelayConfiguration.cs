using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The configuration order, lowest first: appsettings.json, the seed's config_sender.json, environment variables
/// (<c>MasterSender__Section__Key</c>), the command line. A user of the old system keeps their file, and anything
/// set explicitly still wins over it.
/// </summary>
public static class RelayConfiguration
{
    public const string EnvironmentPrefix = "MasterSender__";

    public static string? Apply(ConfigurationManager configuration, string[] commandLine, string defaultDataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dataFolder = configuration["Storage:Path"] ?? defaultDataFolder;
        var legacy = LegacyConfig.Read(LegacyConfig.CandidatePaths(dataFolder), out var usedPath);
        if (legacy.Count > 0)
        {
            var sources = configuration.Sources;
            var firstEnvironment = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
            var legacySource = new MemoryConfigurationSource { InitialData = legacy };
            if (firstEnvironment < 0)
            {
                sources.Add(legacySource);
            }
            else
            {
                sources.Insert(firstEnvironment, legacySource);
            }
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(commandLine);
        return usedPath;
    }
}
