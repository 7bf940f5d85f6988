using System.Globalization;

namespace MasterSender.Benchmarks;

internal static class Percentiles
{
    public static string Describe(string what, IReadOnlyList<double> samplesMs)
    {
        var sorted = samplesMs.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"{what,-48} n={sorted.Length,6}  p50={At(50),8:0.000} ms  p99={At(99),8:0.000} ms  p99.9={At(99.9),8:0.000} ms  max={sorted[^1],8:0.000} ms");
    }
}
