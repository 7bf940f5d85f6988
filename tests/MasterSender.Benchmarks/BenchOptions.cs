using System.Globalization;

namespace MasterSender.Benchmarks;

/// <summary>`bench [--samples N] [--svg PATH] [--markdown PATH] [--published EXE]`; `latency [N]` (the older form) means the same.</summary>
internal sealed record BenchOptions(int Samples, string SvgPath, string? MarkdownPath, string? PublishedRelay = null)
{
    public const int DefaultSamples = 2_000;

    public const string Usage = "usage: bench [--samples N] [--svg PATH] [--markdown PATH] [--published EXE]   (default svg: docs/benchmarks-latency.svg; EXE: a published relay to measure beside the framework-dependent one)";

    /// <summary>Parses the arguments after the verb; null (and a message on stderr) when they make no sense.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var samples = DefaultSamples;
        var svg = Path.Combine(RepositoryRoot(), "docs", "benchmarks-latency.svg");
        string? markdown = null;
        string? published = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--samples" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 100:
                    samples = n;
                    i++;
                    break;
                case "--svg" when value is not null:
                    svg = value;
                    i++;
                    break;
                case "--published" when value is not null && File.Exists(value):
                    published = Path.GetFullPath(value);
                    i++;
                    break;
                case "--markdown" when value is not null:
                    markdown = value;
                    i++;
                    break;
                case var bare when i == 0 && int.TryParse(bare, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 100:
                    samples = n;
                    break;
                default:
                    Console.Error.WriteLine($"unexpected argument '{args[i]}' (--samples takes a number of at least 100)");
                    Console.Error.WriteLine(Usage);
                    return null;
            }
        }

        return new BenchOptions(samples, svg, markdown, published);
    }

    /// <summary>The folder holding MasterSender.sln above the working directory, so the picture lands in the repo's
    /// docs wherever the bench is started from; the working directory when there is none.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MasterSender.sln")))
            {
                return folder.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }
}
