using System.Diagnostics;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>Every process the bench started (relays, sandbox API, terminal side), running or ended, so the
/// machine-load note counts their CPU as the bench's own work and not as disturbance.</summary>
internal static class OwnProcesses
{
    private static readonly HashSet<Process> Live = [];
    private static TimeSpan s_finishedCpu;

    public static void Track(Process process)
    {
        lock (Live)
        {
            Live.Add(process);
        }
    }

    /// <summary>Call before disposing it: its CPU so far is kept.</summary>
    public static void Untrack(Process process)
    {
        lock (Live)
        {
            if (Live.Remove(process))
            {
                s_finishedCpu += CpuOrZero(process);
            }
        }
    }

    public static TimeSpan CpuOfAll()
    {
        lock (Live)
        {
            var total = s_finishedCpu;
            foreach (var process in Live)
            {
                total += CpuOrZero(process);
            }

            return total;
        }
    }

    public static TimeSpan CpuOrZero(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }
}
