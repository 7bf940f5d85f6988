using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// Log levels from the configuration's <c>Serilog</c> section, in Serilog's own layout (<c>MinimumLevel:Default</c>,
/// <c>MinimumLevel:Override:&lt;Source&gt;</c>, or <c>MinimumLevel</c> alone). Read here rather than through
/// <c>ReadFrom.Configuration</c>, which finds sinks and enrichers by reflection and does not survive the trimmed,
/// AOT-compiled relay; levels are all the relay lets the section change (sinks are fixed: console and daily file).
/// </summary>
internal static class SerilogLevels
{
    public static void Apply(LoggerConfiguration logger, IConfiguration configuration)
    {
        var section = configuration.GetSection("Serilog:MinimumLevel");
        var level = section.Value ?? section["Default"];
        if (level is not null)
        {
            logger.MinimumLevel.Is(Parse(level, "Serilog:MinimumLevel:Default"));
        }

        foreach (var source in section.GetSection("Override").GetChildren())
        {
            if (source.Value is { } value)
            {
                logger.MinimumLevel.Override(source.Key, Parse(value, $"Serilog:MinimumLevel:Override:{source.Key}"));
            }
        }
    }

    private static LogEventLevel Parse(string value, string key) =>
        Enum.TryParse<LogEventLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level
            : throw new InvalidOperationException($"{key} is '{value}'; use one of Verbose, Debug, Information, Warning, Error, Fatal.");
}
