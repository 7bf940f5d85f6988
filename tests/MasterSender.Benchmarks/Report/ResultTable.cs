using System.Globalization;
using System.Text;

namespace MasterSender.Benchmarks.Report;

/// <summary>The run's results as a fixed-width console table and as markdown the docs can paste.</summary>
internal static class ResultTable
{
    private const int PathWidth = 66;

    public static string Console(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Latency (ms)  {results.Machine.Describe()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"path",-PathWidth} {"n",7} {"p50",9} {"p99",9} {"p99.9",9} {"max",9}  target");
        foreach (var row in results.Latencies)
        {
            var s = row.Summary;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Path,-PathWidth} {s.Count,7} {Numbers.Ms(s.P50),9} {Numbers.Ms(s.P99),9} {Numbers.Ms(s.P999),9} {Numbers.Ms(s.Max),9}  {row.Verdict}");
        }

        Section(text, "Figures", results.Figures);
        Section(text, "Ratios of medians", results.Ratios);
        foreach (var note in results.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"note: {note}");
        }

        var verdicts = Verdicts(results).ToList();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Targets: {verdicts.Count(v => v.Met)} of {verdicts.Count} met{(verdicts.Any(v => !v.Met) ? "; missed: " + string.Join("; ", verdicts.Where(v => !v.Met).Select(v => v.Target)) : "")}. Run took {results.Duration.TotalSeconds:0} s.");
        return text.ToString();
    }

    public static string Markdown(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {results.Machine.Describe()}. {results.Samples} samples per latency path; the run took {results.Duration.TotalSeconds:0} s.");
        text.AppendLine();
        text.AppendLine("| path | n | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | target |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in results.Latencies)
        {
            var s = row.Summary;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Md(row.Path)} | {s.Count} | {Numbers.Ms(s.P50)} | {Numbers.Ms(s.P99)} | {Numbers.Ms(s.P999)} | {Numbers.Ms(s.Max)} | {Md(row.Verdict)} |");
        }

        MarkdownSection(text, "figure", results.Figures);
        MarkdownSection(text, "ratio of medians", results.Ratios);
        if (results.Notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in results.Notes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {Md(note)}");
            }
        }

        return text.ToString();
    }

    private static IEnumerable<Verdict> Verdicts(BenchResults results) =>
        results.Latencies.Select(r => r.Verdict).Concat(results.Figures.Select(f => f.Verdict)).Concat(results.Ratios.Select(r => r.Verdict)).OfType<Verdict>();

    private static void Section(StringBuilder text, string title, List<FigureRow> rows)
    {
        text.AppendLine();
        text.AppendLine(title);
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Name,-PathWidth} {row.Value}{(row.Verdict is null ? "" : "   " + row.Verdict)}");
        }
    }

    private static void MarkdownSection(StringBuilder text, string what, List<FigureRow> rows)
    {
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {what} | value | target |");
        text.AppendLine("| --- | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Md(row.Name)} | {Md(row.Value)} | {Md(row.Verdict)} |");
        }
    }

    /// <summary>Markdown cell text: real arrows, escaped pipes, met/missed in words.</summary>
    private static string Md(object? value) => value is Verdict verdict
        ? Md($"{verdict.Target}: {(verdict.Met ? "met" : "**missed**")}")
        : (value?.ToString() ?? "").Replace("->", "→", StringComparison.Ordinal).Replace("<=", "≤", StringComparison.Ordinal)
            .Replace(">=", "≥", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
