using System.Globalization;
using System.Text;

namespace MasterSender.Core.Canonical;

/// <summary>
/// Python's <c>repr(float)</c>: the shortest digits that round-trip, fixed notation when the decimal exponent is in
/// [-4, 16), otherwise <c>d.ddde±XX</c> with at least two exponent digits; always a '.' or an exponent so the value
/// reads back as a float.
/// </summary>
internal static class PythonFloat
{
    public static void Write(StringBuilder output, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Canonical JSON cannot hold {value}: the relay never signs NaN or Infinity.", nameof(value));
        }

        if (double.IsNegative(value))
        {
            output.Append('-');
        }

        if (value == 0)
        {
            output.Append("0.0");
            return;
        }

        var (digits, exponent) = ShortestDigits(Math.Abs(value));
        if (exponent is >= -4 and < 16)
        {
            WriteFixed(output, digits, exponent);
        }
        else
        {
            WriteScientific(output, digits, exponent);
        }
    }

    /// <summary>
    /// .NET's "R" is the shortest round-trip form (since .NET Core 3.0), as is Python's repr; only the layout differs,
    /// so take the digits and the exponent of the first digit from it and lay them out the Python way.
    /// </summary>
    private static (string Digits, int Exponent) ShortestDigits(double positive)
    {
        var text = positive.ToString("R", CultureInfo.InvariantCulture);
        var exponentMark = text.IndexOfAny(['E', 'e']);
        var mantissa = exponentMark < 0 ? text : text[..exponentMark];
        var written = exponentMark < 0 ? 0 : int.Parse(text.AsSpan(exponentMark + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? mantissa.Length : dot;
        var allDigits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        var leadingZeros = allDigits.Length - allDigits.TrimStart('0').Length;
        var significant = allDigits.Trim('0');
        return (significant, integerDigits + written - leadingZeros - 1);
    }

    private static void WriteFixed(StringBuilder output, string digits, int exponent)
    {
        if (exponent < 0)
        {
            output.Append("0.").Append('0', -exponent - 1).Append(digits);
            return;
        }

        var integerLength = exponent + 1;
        if (digits.Length <= integerLength)
        {
            output.Append(digits).Append('0', integerLength - digits.Length).Append(".0");
            return;
        }

        output.Append(digits, 0, integerLength).Append('.').Append(digits, integerLength, digits.Length - integerLength);
    }

    private static void WriteScientific(StringBuilder output, string digits, int exponent)
    {
        output.Append(digits[0]);
        if (digits.Length > 1)
        {
            output.Append('.').Append(digits, 1, digits.Length - 1);
        }

        output.Append('e').Append(exponent < 0 ? '-' : '+');
        output.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
    }
}
