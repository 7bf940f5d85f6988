using System.Diagnostics;
using System.Globalization;

namespace MasterSender.Benchmarks.Report;

/// <summary>One line per step while the run goes, so a slow step is visible as it happens.</summary>
internal sealed class Progress(int steps)
{
    /// <summary>Above this share of the CPU used by other processes a step's tail figures say more about them.</summary>
    public const double BusyShare = 0.1;

    private int _step;

    public T Run<T>(string what, Func<T> step) => RunAsync(what, () => Task.FromResult(step())).GetAwaiter().GetResult();

    public async Task<T> RunAsync<T>(string what, Func<Task<T>> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        // Each step starts from a collected heap, so one step's garbage is not collected on the next one's clock.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Console.Write(string.Create(CultureInfo.InvariantCulture, $"[{++_step}/{steps}] {what} ... "));
        var clock = Stopwatch.StartNew();
        var before = MachineLoad.Now();
        var result = await step();
        var others = MachineLoad.Now().OthersSince(before);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed.TotalSeconds:0.0} s{(others is { } share ? $"  (other processes: {share:0%} of the CPU{(share > BusyShare ? ", figures disturbed" : "")})" : "")}"));
        return result;
    }
}
