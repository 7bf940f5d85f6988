using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MasterSender.Broadcast;
using MasterSender.Ingress;
using MasterSender.Outbox;
using MasterSender.Relay.Status;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// Every key the relay reads, so a misspelt one on the command line is refused with the nearest valid key instead of
/// being ignored in silence (a mistyped <c>--Api:Ulr</c> would otherwise run without an API). <c>Serilog:…</c> is
/// Serilog's own section and passes as it is.
/// </summary>
public static class ConfigurationKeys
{
    public static IReadOnlyList<string> Known { get; } = BuildKnown();

    /// <summary>Null when every <c>--Key=value</c> / <c>--Key value</c> names a known key; else the error for the user.</summary>
    public static string? CheckCommandLine(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal) && !arg.StartsWith('/'))
            {
                continue; // a value after "--Key value"
            }

            var key = arg.TrimStart('-', '/').Split('=', 2)[0].Replace("__", ":", StringComparison.Ordinal);
            if (key.Length == 0 || IsKnown(key))
            {
                continue;
            }

            var nearest = Known.MinBy(k => Distance(k.ToUpperInvariant(), key.ToUpperInvariant()))!;
            return $"Unknown configuration key '{key}'. Did you mean --{nearest}? (--help lists every key.)";
        }

        return null;
    }

    private static bool IsKnown(string key) =>
        Known.Contains(key, StringComparer.OrdinalIgnoreCase) || key.StartsWith("Serilog:", StringComparison.OrdinalIgnoreCase);

    private static List<string> BuildKnown()
    {
        var keys = new List<string> { "Logs:Console", "Serilog" };
        AddSection<ApiOptions>(keys, ApiOptions.Section);
        AddSection<SignalOptions>(keys, SignalOptions.Section);
        AddSection<StorageOptions>(keys, StorageOptions.Section);
        AddSection<IngressOptions>(keys, IngressOptions.Section);
        AddSection<StatusOptions>(keys, StatusOptions.Section);
        return keys.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    // The annotation keeps each options type's public properties through trimming, so the list matches what binds.
    private static void AddSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(List<string> keys, string section) =>
        keys.AddRange(typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{section}:{p.Name}"));

    /// <summary>Levenshtein distance: the fewest single-character edits between two keys.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
