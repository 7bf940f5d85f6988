using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace MasterSender.Core.Canonical;

/// <summary>
/// Byte-for-byte Python's <c>json.dumps(payload, sort_keys=True, separators=(',', ':'))</c> (ensure_ascii on): the
/// text the API re-creates to check a signature. Values: null, bool, string, integers (int, long, ulong, BigInteger),
/// double, dictionaries with string keys, and sequences.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(object? value)
    {
        var text = new StringBuilder(256);
        Write(text, value);
        return text.ToString();
    }

    /// <summary>Parses JSON the way Python's <c>json.loads</c> types it: a number with '.', 'e' or 'E' is a double,
    /// any other number an integer (long, or BigInteger when larger); objects keep the last of duplicate keys.</summary>
    public static object? Parse(string json) => CanonicalJsonParser.Parse(json);

    private static void Write(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool flag:
                text.Append(flag ? "true" : "false");
                break;
            case string s:
                WriteString(text, s);
                break;
            case double number:
                text.Append(PythonFloat.Repr(number));
                break;
            case float number:
                text.Append(PythonFloat.Repr(number));
                break;
            case int or long or short or sbyte or byte or ushort or uint or ulong or BigInteger:
                text.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                WriteObject(text, map);
                break;
            case IEnumerable sequence:
                WriteArray(text, sequence);
                break;
            default:
                throw new ArgumentException($"Canonical JSON has no form for a {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteObject(StringBuilder text, IEnumerable<KeyValuePair<string, object?>> map)
    {
        text.Append('{');
        var first = true;
        foreach (var (key, item) in map.OrderBy(pair => pair.Key, CodePointComparer.Instance))
        {
            if (!first)
            {
                text.Append(',');
            }

            first = false;
            WriteString(text, key);
            text.Append(':');
            Write(text, item);
        }

        text.Append('}');
    }

    private static void WriteArray(StringBuilder text, IEnumerable sequence)
    {
        text.Append('[');
        var first = true;
        foreach (var item in sequence)
        {
            if (!first)
            {
                text.Append(',');
            }

            first = false;
            Write(text, item);
        }

        text.Append(']');
    }

    /// <summary>Python's ensure_ascii escaping: only printable ASCII (space to '~') stays as it is.</summary>
    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        // UTF-16 code units are exactly Python's \u escapes, surrogate pairs included.
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
