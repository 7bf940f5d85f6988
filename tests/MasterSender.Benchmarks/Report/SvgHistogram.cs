using System.Globalization;
using System.Security;
using System.Text;

namespace MasterSender.Benchmarks.Report;

/// <summary>
/// The latency distributions as one hand-written SVG: a cumulative line per path, latency on a log x axis, and the
/// share of samples at or below it on a "nines" y axis (50 %, 90 %, 99 %, 99.9 %), so the median and the tail are
/// both readable and paths a thousand times apart fit one picture. No library: the file is plain text in docs.
/// </summary>
internal static class SvgHistogram
{
    private const int Width = 900;
    private const int Height = 500;
    private const double Left = 78;
    private const double Right = 620;
    private const double Top = 64;
    private const double Bottom = 430;
    private const double LegendX = 640;
    private const double LegendStep = 54;
    private const double PollPeriodMs = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#7f7f7f", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Render(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var series = results.Latencies.Where(r => r.PlotLabel is not null).ToList();
        var all = series.SelectMany(r => new[] { r.Summary.Sorted[0], r.Summary.Max }).DefaultIfEmpty(1).ToList();
        var decadeLow = (int)Math.Floor(Math.Log10(Math.Max(all.Min(), 1e-3)));
        var decadeHigh = Math.Max(decadeLow + 2, (int)Math.Ceiling(Math.Log10(Math.Max(all.Max(), 1e-3))));
        var topNines = Math.Clamp(Math.Ceiling(Math.Log10(series.Select(r => r.Summary.Count).DefaultIfEmpty(100).Max() + 1)), 2, 5);
        double X(double ms) => Left + ((Math.Log10(Math.Max(ms, Math.Pow(10, decadeLow))) - decadeLow) / (decadeHigh - decadeLow) * (Right - Left));
        double Y(double nines) => Bottom - (nines / topNines * (Bottom - Top));

        var svg = new StringBuilder();
        Line(svg, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="Helvetica, Arial, sans-serif" font-size="12">""");
        Line(svg, $"""<rect width="{Width}" height="{Height}" fill="#ffffff"/>""");
        Line(svg, $"""<text x="{Width / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold">MasterSender relay: latency distributions (cumulative)</text>""");
        Line(svg, $"""<text x="{Width / 2}" y="46" text-anchor="middle" font-size="11" fill="#555555">{Escape(results.Machine.Describe())}</text>""");

        // Grid: decades and their 2..9 steps on x, the nines on y.
        for (var decade = decadeLow; decade <= decadeHigh; decade++)
        {
            var x = X(Math.Pow(10, decade));
            Line(svg, $"""<line x1="{x:0.#}" y1="{Top}" x2="{x:0.#}" y2="{Bottom}" stroke="#cccccc"/>""");
            Line(svg, $"""<text x="{x:0.#}" y="{Bottom + 18}" text-anchor="middle">{Escape(DecadeLabel(decade))}</text>""");
            for (var step = 2; decade < decadeHigh && step <= 9; step++)
            {
                var minor = X(step * Math.Pow(10, decade));
                Line(svg, $"""<line x1="{minor:0.#}" y1="{Top}" x2="{minor:0.#}" y2="{Bottom}" stroke="#eeeeee"/>""");
            }
        }

        foreach (var (nines, label) in NinesTicks(topNines))
        {
            var y = Y(nines);
            Line(svg, $"""<line x1="{Left}" y1="{y:0.#}" x2="{Right}" y2="{y:0.#}" stroke="#cccccc"/>""");
            Line(svg, $"""<text x="{Left - 8}" y="{y + 4:0.#}" text-anchor="end">{label}</text>""");
        }

        if (PollPeriodMs <= Math.Pow(10, decadeHigh))
        {
            var poll = X(PollPeriodMs);
            Line(svg, $"""<line x1="{poll:0.#}" y1="{Top}" x2="{poll:0.#}" y2="{Bottom}" stroke="#ff7f0e" stroke-dasharray="5,4"/>""");
            Line(svg, $"""<text x="{poll - 4:0.#}" y="{Top + 14}" text-anchor="end" font-size="11" fill="#b35900">seed poll period 50 ms</text>""");
        }

        Line(svg, $"""<rect x="{Left}" y="{Top}" width="{Right - Left}" height="{Bottom - Top}" fill="none" stroke="#333333"/>""");
        Line(svg, $"""<text x="{(Left + Right) / 2}" y="{Bottom + 40}" text-anchor="middle" font-size="13">latency, ms (log scale)</text>""");
        Line(svg, $"""<text transform="translate(22 {(Top + Bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">share of samples at or below (nines scale)</text>""");

        for (var i = 0; i < series.Count; i++)
        {
            var row = series[i];
            var color = Colors[i % Colors.Length];
            Line(svg, $"""<polyline fill="none" stroke="{color}" stroke-width="2" stroke-linejoin="round" points="{Points(row.Summary, X, Y)}"/>""");
            var y = Top + 10 + (i * LegendStep);
            Line(svg, $"""<line x1="{LegendX}" y1="{y}" x2="{LegendX + 26}" y2="{y}" stroke="{color}" stroke-width="3"/>""");
            Line(svg, $"""<text x="{LegendX + 34}" y="{y + 4}" font-weight="bold">{Escape(row.PlotLabel!.Replace("->", "→", StringComparison.Ordinal))}</text>""");
            Line(svg, $"""<text x="{LegendX + 34}" y="{y + 20}" font-size="11" fill="#444444">p50 {Numbers.Ms(row.Summary.P50)} · p99 {Numbers.Ms(row.Summary.P99)} ms</text>""");
            Line(svg, $"""<text x="{LegendX + 34}" y="{y + 34}" font-size="11" fill="#444444">max {Numbers.Ms(row.Summary.Max)} ms · n {row.Summary.Count}</text>""");
        }

        var note = Top + 10 + (series.Count * LegendStep);
        Line(svg, $"""<text x="{LegendX}" y="{note}" font-size="11" fill="#666666">Left and steep is fast and steady;</text>""");
        Line(svg, $"""<text x="{LegendX}" y="{note + 15}" font-size="11" fill="#666666">the top of a line is its slowest samples.</text>""");
        Line(svg, $"""<text x="{LegendX}" y="{Bottom + 40}" font-size="10" fill="#888888">generated by tests/bench/run</text>""");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>Sample i of n sits at share (i + 1) / (n + 1): never 100 %, which the nines axis cannot show.
    /// Points closer than half a pixel to the last drawn one are skipped.</summary>
    private static string Points(LatencySummary summary, Func<double, double> x, Func<double, double> y)
    {
        var points = new StringBuilder();
        var n = summary.Count;
        double lastX = double.NaN, lastY = double.NaN;
        for (var i = 0; i < n; i++)
        {
            var px = x(summary.Sorted[i]);
            var py = y(-Math.Log10(1 - ((i + 1.0) / (n + 1))));
            if (i > 0 && i < n - 1 && Math.Abs(px - lastX) < 0.5 && Math.Abs(py - lastY) < 0.5)
            {
                continue;
            }

            points.Append(CultureInfo.InvariantCulture, $"{px:0.#},{py:0.#} ");
            (lastX, lastY) = (px, py);
        }

        return points.ToString().TrimEnd();
    }

    private static IEnumerable<(double Nines, string Label)> NinesTicks(double top)
    {
        yield return (0, "0%");
        yield return (Math.Log10(2), "50%");
        string[] labels = ["90%", "99%", "99.9%", "99.99%", "99.999%"];
        for (var nines = 1; nines <= top; nines++)
        {
            yield return (nines, labels[nines - 1]);
        }
    }

    private static string DecadeLabel(int decade) => decade switch
    {
        >= 3 => string.Create(CultureInfo.InvariantCulture, $"{Math.Pow(10, decade - 3):0} s"),
        >= 0 => string.Create(CultureInfo.InvariantCulture, $"{Math.Pow(10, decade):0} ms"),
        _ => Math.Pow(10, decade).ToString("0.#####", CultureInfo.InvariantCulture) + " ms",
    };

    private static void Line(StringBuilder svg, FormattableString line) => svg.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
