using System.Globalization;

namespace MasterSender.Core.Canonical;

/// <summary>
/// Python's <c>repr(float)</c>: the shortest digits that round-trip (which .NET's "R" also finds), laid out by
/// Python's rule: scientific when the decimal exponent is below -4 or at least 16, else positional, always with a
/// '.0' or a fraction.
/// </summary>
public static class PythonFloat
{
    public static string Repr(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinity have no JSON form the API accepts.", nameof(value));
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var (negative, digits, pointPosition) = ShortestDigits(value);
        var sign = negative ? "-" : "";
        if (pointPosition <= -4 || pointPosition > 16)
        {
            var exponent = pointPosition - 1;
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
        }

        if (pointPosition <= 0)
        {
            return sign + "0." + new string('0', -pointPosition) + digits;
        }

        if (pointPosition >= digits.Length)
        {
            return sign + digits + new string('0', pointPosition - digits.Length) + ".0";
        }

        return sign + digits[..pointPosition] + "." + digits[pointPosition..];
    }

    /// <summary>The significant digits (no leading or trailing zeros) and where the decimal point goes:
    /// value = 0.DIGITS × 10^pointPosition.</summary>
    private static (bool Negative, string Digits, int PointPosition) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        var digits = integerPart + fraction;
        var pointPosition = integerPart.Length + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        return (negative, digits, pointPosition - leadingZeros);
    }
}
