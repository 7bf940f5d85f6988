namespace MasterSender.Benchmarks.Report;

/// <summary>A figure's target and whether this run met it.</summary>
internal sealed record Verdict(string Target, bool Met)
{
    public override string ToString() => $"{Target}: {(Met ? "met" : "MISSED")}";
}

/// <summary>One latency path. <paramref name="PlotLabel"/> puts it in the picture under that name.</summary>
internal sealed record LatencyRow(string Path, LatencySummary Summary, Verdict? Verdict = null, string? PlotLabel = null);

/// <summary>One figure that is not a distribution: a time to all, a rate, a size, a ratio.</summary>
internal sealed record FigureRow(string Name, string Value, Verdict? Verdict = null);

/// <summary>Everything one bench run found, in the order it is reported.</summary>
internal sealed class BenchResults(MachineInfo machine, int samples)
{
    public MachineInfo Machine { get; } = machine;

    public int Samples { get; } = samples;

    public List<LatencyRow> Latencies { get; } = [];

    public List<FigureRow> Figures { get; } = [];

    public List<FigureRow> Ratios { get; } = [];

    public List<string> Notes { get; } = [];

    public TimeSpan Duration { get; set; }
}
