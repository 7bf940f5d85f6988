using System.Diagnostics;
using System.Globalization;

namespace MasterSender.Benchmarks.Report;

/// <summary>
/// How much CPU the rest of the machine used while the bench ran: on a 2-core machine a build next door moves every
/// tail figure, so the report says when it happened instead of leaving it to be guessed. Linux (/proc/stat) only.
/// </summary>
internal sealed class MachineLoad
{
    private readonly (long Busy, long Total)? _machine;
    private readonly TimeSpan _own;
    private readonly long _at = Stopwatch.GetTimestamp();

    private MachineLoad((long Busy, long Total)? machine, TimeSpan own)
    {
        _machine = machine;
        _own = own;
    }

    public static MachineLoad Now()
    {
        using var self = Process.GetCurrentProcess();
        // The processes the bench started (relays, sandbox API, terminal side) are its own work too.
        return new MachineLoad(ReadProcStat(), self.TotalProcessorTime + Rigs.OwnProcesses.CpuOfAll());
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until other processes use less than <paramref name="share"/> of the
    /// CPU over half a second: `dotnet run` and a build that just finished keep a core busy for a moment after the
    /// bench starts. Returns the share last seen (null off Linux).
    /// </summary>
    public static async Task<double?> SettleAsync(double share, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var before = Now();
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var others = Now().OthersSince(before);
            if (others is null || others < share || clock.Elapsed > limit)
            {
                return others;
            }
        }
    }

    /// <summary>Share of all cores used outside this process and the processes it started since <paramref name="start"/> (0..1); null off Linux.</summary>
    public double? OthersSince(MachineLoad start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_machine is not { } now || start._machine is not { } then || now.Total <= then.Total)
        {
            return null;
        }

        // /proc/stat counts in clock ticks summed over all cores; the process time is seconds summed over its threads.
        var ticksPerSecond = (now.Total - then.Total) / (double)Environment.ProcessorCount / Elapsed(start).TotalSeconds;
        var busy = (now.Busy - then.Busy) / (double)(now.Total - then.Total);
        var own = (_own - start._own).TotalSeconds * ticksPerSecond / (now.Total - then.Total);
        return Math.Clamp(busy - own, 0, 1);
    }

    private TimeSpan Elapsed(MachineLoad start) => Stopwatch.GetElapsedTime(start._at, _at);

    private static (long Busy, long Total)? ReadProcStat()
    {
        const string path = "/proc/stat";
        if (!File.Exists(path))
        {
            return null;
        }

        // cpu  user nice system idle iowait irq softirq steal ...: busy is user + nice + system + steal (a neighbour VM
        // counts as disturbance). Interrupt time is left out: loopback traffic is processed there, and it is ours.
        var fields = File.ReadLines(path).First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields[0] + fields[1] + fields[2] + fields[7], fields.Take(8).Sum());
    }
}
