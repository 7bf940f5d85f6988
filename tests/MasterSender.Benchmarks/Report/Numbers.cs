using System.Globalization;

namespace MasterSender.Benchmarks.Report;

/// <summary>Invariant, human-sized number formats for the tables.</summary>
internal static class Numbers
{
    /// <summary>About three significant digits: 0.136, 3.16, 32.5, 1,131.</summary>
    public static string Ms(double ms) => ms switch
    {
        >= 1000 => ms.ToString("#,0", CultureInfo.InvariantCulture),
        >= 100 => ms.ToString("0.0", CultureInfo.InvariantCulture),
        >= 10 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        _ => ms.ToString("0.000", CultureInfo.InvariantCulture),
    };

    public static string Whole(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString(value >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "x";
}
