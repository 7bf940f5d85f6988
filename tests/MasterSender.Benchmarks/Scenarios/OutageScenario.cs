using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>Expired: OPENs the relay gave up on; AllReceivedAfterRecoveryMs: from the moment the API answers again
/// until it has every OPEN that was not expired.</summary>
internal sealed record OutageResult(int Opens, double OutageSeconds, long Expired, double AllReceivedAfterRecoveryMs, long FailedAnswers);

/// <summary>
/// A basket opened into a short outage: the sandbox answers 503 to everything for <see cref="Outage"/> while
/// <see cref="Opens"/> positions open, then answers again (docs/api-contract.md, "Retries and the circuit breaker").
/// Real time throughout: the outage's length is the scenario, not a wait for the relay.
/// </summary>
internal static class OutageScenario
{
    public const int Opens = 200;
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    /// <summary>This scenario without the rest of the bench; prints its figure, exit 0 when it meets the target.</summary>
    public static async Task<int> RunAloneAsync()
    {
        OutageResult result;
        await using (var rig = await RelayRig.StartAsync(new RelayRigOptions()))
        {
            result = await RunAsync(rig);
        }

        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{result.Opens} opens into a {result.OutageSeconds:0} s outage (every answer 503, {result.FailedAnswers:#,0} of them): {result.Expired} expired, all at the API {result.AllReceivedAfterRecoveryMs:0} ms after it answered again"));
        return result.Expired == 0 && result.AllReceivedAfterRecoveryMs <= Report.Findings.OutageRecoveryMs ? 0 : 1;
    }

    public static async Task<OutageResult> RunAsync(RelayRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var faults = rig.Api.Faults;
        var start = rig.Arrivals.Count;
        faults.Failing = true;
        var outageStarted = Stopwatch.GetTimestamp();
        for (var i = 0; i < Opens; i++)
        {
            rig.Terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5));
        }

        var left = Outage - Stopwatch.GetElapsedTime(outageStarted);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        faults.Failing = false;
        var recovered = Stopwatch.GetTimestamp();
        var deadline = Stopwatch.StartNew();
        while (rig.Arrivals.Count - start + (await rig.SignalCountsAsync()).Expired < Opens && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5);
        }

        var arrivals = rig.Arrivals.Since(start);
        var last = arrivals.Count == 0 ? recovered : arrivals.Max(a => a.Timestamp);
        return new OutageResult(Opens, Outage.TotalSeconds, (await rig.SignalCountsAsync()).Expired, Stopwatch.GetElapsedTime(recovered, last).TotalMilliseconds, faults.Injected);
    }
}
