namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// Numbers a change through the SL it sets (1.0 + n × 0.00001, five decimals like EURUSD), so an arrival names the
/// change that caused it even when changes overlap in flight.
/// </summary>
internal static class SlTag
{
    private const double Base = 1.0;
    private const double Step = 1e-5;

    public static double Of(int number) => Math.Round(Base + (number * Step), 5);

    public static int From(double sl) => (int)Math.Round((sl - Base) / Step);
}
