using System.Diagnostics;
using System.Threading.Channels;
using MasterSender.Benchmarks.Rigs;
using MasterSender.SandboxApi;

namespace MasterSender.Benchmarks.Apart;

/// <summary>
/// <c>sandbox-process</c>: the sandbox signal API (the bench's account) in a process of its own, as the remote API is
/// on a trader's machine. Prints <c>listening URL</c>, then one <see cref="Arrival.ToLine"/> per accepted signal,
/// stamped in the API's handler with the raw <see cref="Stopwatch.GetTimestamp"/> (CLOCK_MONOTONIC on Linux, the same
/// clock in every process, so the bench compares it with the terminal process's stamps). Ends when its stdin closes.
/// </summary>
internal static class SandboxProcessVerb
{
    public const string Verb = "sandbox-process";

    public static async Task<int> RunAsync()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var accepted = Channel.CreateUnbounded<(long At, ReceivedSignal Signal)>(new UnboundedChannelOptions { SingleReader = true });
        // Only the stamp and a queue write on the request's thread; the body is read and the line written off it.
        sandbox.State.SignalReceived += signal => accepted.Writer.TryWrite((Stopwatch.GetTimestamp(), signal));
        await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        await output.WriteLineAsync($"listening {sandbox.Url}");
        await output.FlushAsync();
        var reporting = ReportAsync(accepted.Reader, output);

        await Console.In.ReadToEndAsync();
        accepted.Writer.Complete();
        await reporting;
        return 0;
    }

    private static async Task ReportAsync(ChannelReader<(long At, ReceivedSignal Signal)> accepted, StreamWriter output)
    {
        while (await accepted.WaitToReadAsync())
        {
            while (accepted.TryRead(out var item))
            {
                await output.WriteLineAsync(new Arrival(item.At, item.Signal.Ticket, Arrival.SlOf(item.Signal.Body)).ToLine());
            }

            // One flush per batch: under a burst, one pipe write carries many arrivals.
            await output.FlushAsync();
        }
    }
}
