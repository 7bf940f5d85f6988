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

    /// <summary>The sources in effect, lowest first, for the start-up log: the settings files found (and
    /// appsettings.json when it is missing), the environment variables, the command line. Values are never shown:
    /// they may be secrets.</summary>
    public static string DescribeSources(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "(unknown)";
        }

        return string.Join("; ", root.Providers.Select(Describe).Where(d => d.Length > 0).Distinct());
    }

    private static string Describe(IConfigurationProvider provider)
    {
        switch (provider)
        {
            case Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider json:
                var path = json.Source.Path ?? "";
                var found = json.Source.FileProvider?.GetFileInfo(path).Exists == true;
                var folder = (json.Source.FileProvider as Microsoft.Extensions.FileProviders.PhysicalFileProvider)?.Root ?? "";
                return found ? Path.Combine(folder, path)
                    : path == "appsettings.json" ? Path.Combine(folder, path) + " (not found)" : "";
            case EnvironmentVariablesConfigurationProvider:
                var prefix = provider.ToString()!.Split("Prefix: ", 2) is [_, var named] ? named : "";
                return prefix.Length == 0 ? "environment variables" : $"environment variables {prefix.Trim('\'')}*";
            case Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider:
                return "command line";
            default:
                return "";
        }
    }
}
