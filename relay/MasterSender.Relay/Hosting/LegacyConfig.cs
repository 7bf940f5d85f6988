using System.Globalization;
using System.Text.Json;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The seed's <c>config_sender.json</c>, so a user of the old system keeps their file: <c>api.url</c> becomes
/// <c>Api:Url</c> and <c>service.loop_interval</c> (seconds) the reconciliation period told to the EA.
/// <c>mt5.login</c>/<c>mt5.path</c> are ignored on purpose: the allowed account comes only from the API.
/// </summary>
public static class LegacyConfig
{
    public const string FileName = "config_sender.json";

    public static IEnumerable<string> CandidatePaths(string dataFolder) =>
    [
        Path.Combine(Directory.GetCurrentDirectory(), FileName),
        Path.Combine(AppContext.BaseDirectory, FileName),
        Path.Combine(dataFolder, FileName),
    ];

    /// <summary>Reads the first file found; a broken file is an error that names it (bad config loses nothing silently).</summary>
    public static Dictionary<string, string?> Read(IEnumerable<string> candidates, out string? usedPath)
    {
        usedPath = candidates.FirstOrDefault(File.Exists);
        var settings = new Dictionary<string, string?>();
        if (usedPath is null)
        {
            return settings;
        }

        LegacyConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(usedPath), HostingJsonContext.Default.LegacyConfigFile);
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{usedPath} is not valid JSON ({exception.Message}). Fix or remove it.", exception);
        }

        if (!string.IsNullOrWhiteSpace(file?.Api?.Url))
        {
            settings["Api:Url"] = file.Api.Url;
        }

        if (file?.Service?.LoopInterval is { } seconds)
        {
            if (!(seconds > 0 && seconds <= 10))
            {
                throw new InvalidOperationException($"{usedPath}: service.loop_interval must be between 0 and 10 seconds, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
            }

            settings["Ingress:ReconcileInterval"] = TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
        }

        return settings;
    }
}

internal sealed class LegacyConfigFile
{
    public LegacyApi? Api { get; set; }
    public LegacyService? Service { get; set; }
}

internal sealed class LegacyApi
{
    public string? Url { get; set; }
}

internal sealed class LegacyService
{
    public double? LoopInterval { get; set; }
}
