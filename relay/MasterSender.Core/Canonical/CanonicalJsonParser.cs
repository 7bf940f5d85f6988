using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace MasterSender.Core.Canonical;

/// <summary>
/// JSON → the canonical object model with Python's typing: a number with '.', 'e' or 'E' is a double, any other an
/// integer (long, else BigInteger). Duplicate keys: the last wins, as in Python's json.loads.
/// </summary>
internal static class CanonicalJsonParser
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64 };

    public static object? Parse(string json)
    {
        using var document = JsonDocument.Parse(json, Strict);
        return Convert(document.RootElement);
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ConvertObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => ConvertNumber(element.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw new FormatException($"Unexpected JSON value kind {element.ValueKind}."),
    };

    private static Dictionary<string, object?> ConvertObject(JsonElement element)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = Convert(property.Value);
        }

        return map;
    }

    private static object ConvertNumber(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            var number = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
            return double.IsFinite(number) ? number : throw new FormatException($"Number {raw} is out of double range.");
        }

        return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
            ? small
            : (object)BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }
}
