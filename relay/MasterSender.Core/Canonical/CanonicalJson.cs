using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace MasterSender.Core.Canonical;

/// <summary>
/// Byte-for-byte Python's <c>json.dumps(payload, sort_keys=True, separators=(',', ':'))</c> (ensure_ascii on), the
/// text the central API signs and verifies; and a parser with Python's number typing so a server can re-serialise a
/// received body and compare, as the seed's Python does.
/// </summary>
public static class CanonicalJson
{
    // Printable ASCII but the two characters that take a backslash.
    private static readonly System.Buffers.SearchValues<char> PlainAscii = System.Buffers.SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public static string Serialize(object? value)
    {
        var output = new StringBuilder(256);
        Write(output, value);
        return output.ToString();
    }

    /// <summary>Parses JSON into dictionaries, lists, strings, long/BigInteger, double, bool and null.</summary>
    public static object? Parse(string json) => CanonicalJsonParser.Parse(json);

    private static void Write(StringBuilder output, object? value)
    {
        switch (value)
        {
            case null: output.Append("null"); break;
            case bool flag: output.Append(flag ? "true" : "false"); break;
            case string text: WriteString(output, text); break;
            case double number: PythonFloat.Write(output, number); break;
            case long whole: output.Append(CultureInfo.InvariantCulture, $"{whole}"); break;
            case int or short or sbyte or ulong or uint or ushort or byte or BigInteger:
                output.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            // Already in code-point order (a signal's payload): written as it is, without sorting a copy.
            case SortedDictionary<string, object?> sorted when ReferenceEquals(sorted.Comparer, CodePointComparer.Instance):
                WriteSorted(output, sorted);
                break;
            case IReadOnlyDictionary<string, object?> map: WriteObject(output, map.Select(p => (p.Key, p.Value))); break;
            case IDictionary<string, object?> map: WriteObject(output, map.Select(p => (p.Key, p.Value))); break;
            case IDictionary map: WriteObject(output, NonGenericEntries(map)); break;
            case IEnumerable items: WriteArray(output, items); break;
            default:
                throw new ArgumentException($"Canonical JSON has no form for {value.GetType().Name}.", nameof(value));
        }
    }

    private static IEnumerable<(string Key, object? Value)> NonGenericEntries(IDictionary map)
    {
        foreach (DictionaryEntry entry in map)
        {
            yield return (entry.Key as string ?? throw new ArgumentException("Canonical JSON object keys must be strings.", nameof(map)), entry.Value);
        }
    }

    private static void WriteObject(StringBuilder output, IEnumerable<(string Key, object? Value)> entries)
    {
        output.Append('{');
        var first = true;
        foreach (var (key, item) in entries.OrderBy(e => e.Key, CodePointComparer.Instance))
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            WriteString(output, key);
            output.Append(':');
            Write(output, item);
        }

        output.Append('}');
    }

    private static void WriteSorted(StringBuilder output, SortedDictionary<string, object?> map)
    {
        output.Append('{');
        var first = true;
        foreach (var (key, item) in map)
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            WriteString(output, key);
            output.Append(':');
            Write(output, item);
        }

        output.Append('}');
    }

    private static void WriteArray(StringBuilder output, IEnumerable items)
    {
        output.Append('[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            Write(output, item);
        }

        output.Append(']');
    }

    /// <summary>ensure_ascii: printable ASCII as is, the six short escapes, everything else as lowercase \uXXXX per UTF-16 unit.</summary>
    private static void WriteString(StringBuilder output, string text)
    {
        output.Append('"');
        // Most text (keys, symbols, tickets' comments) needs no escape: appended in one piece.
        if (!text.AsSpan().ContainsAnyExcept(PlainAscii))
        {
            output.Append(text).Append('"');
            return;
        }

        foreach (var unit in text)
        {
            switch (unit)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case >= ' ' and <= '~': output.Append(unit); break;
                default: output.Append("\\u").Append(((int)unit).ToString("x4", CultureInfo.InvariantCulture)); break;
            }
        }

        output.Append('"');
    }
}
