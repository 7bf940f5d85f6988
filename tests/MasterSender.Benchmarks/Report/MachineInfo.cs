using System.Globalization;
using System.Runtime.InteropServices;

namespace MasterSender.Benchmarks.Report;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, DateTimeOffset At)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        CpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores ({Cpu}), {Os}, {Runtime}, {At:yyyy-MM-dd HH:mm} UTC");

    private static string? CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return null;
        }

        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
