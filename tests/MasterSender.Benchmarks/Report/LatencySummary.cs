namespace MasterSender.Benchmarks.Report;

/// <summary>Nearest-rank percentiles of one latency path, in milliseconds; the samples are kept for the picture.</summary>
internal sealed class LatencySummary
{
    public LatencySummary(IEnumerable<double> samplesMs)
    {
        ArgumentNullException.ThrowIfNull(samplesMs);
        Sorted = [.. samplesMs.Order()];
        if (Sorted.Count == 0)
        {
            throw new ArgumentException("A latency path needs at least one sample.", nameof(samplesMs));
        }
    }

    public IReadOnlyList<double> Sorted { get; }

    public int Count => Sorted.Count;

    public double P50 => At(50);

    public double P99 => At(99);

    public double P999 => At(99.9);

    public double Max => Sorted[^1];

    /// <summary>Nearest rank: the smallest sample with at least p % of the samples at or below it.</summary>
    public double At(double percent) => Sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * Sorted.Count) - 1, 0, Sorted.Count - 1)];
}
