using System.Text.Json;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The seed's <c>config_sender.json</c>, so a user of the old system keeps their file: <c>api.url</c> becomes
/// <c>Api:Url</c>. <c>mt5.login</c>/<c>mt5.path</c> are ignored on purpose: the allowed account comes only from the API.
/// <c>service.loop_interval</c> (the seed's polling period) is ignored too: the EA reconciles every <c>ReconcileMs</c>
/// (its input, 50 ms by default, the seed's parity) and pushes each trade event at once; no relay setting slows that.
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

        return settings;
    }
}

internal sealed class LegacyConfigFile
{
    public LegacyApi? Api { get; set; }
}

internal sealed class LegacyApi
{
    public string? Url { get; set; }
}
