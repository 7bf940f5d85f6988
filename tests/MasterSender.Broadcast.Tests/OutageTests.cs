using System.Collections.Concurrent;
using MasterSender.Core.Signals;
using Xunit.Abstractions;

namespace MasterSender.Broadcast.Tests;

/// <summary>A short API outage while a basket opens (issue 12, item 3): nothing may expire, and everything goes at once
/// when the API answers again.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveSecondOutage_During200Opens_ExpiresNone_AndAllReachTheApiWithinThreeSecondsOfRecovery()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url);
        await relay.Session.GetTokenAsync(CancellationToken.None);
        var arrivalsMs = new ConcurrentBag<long>();
        api.State.SignalReceived += _ => arrivalsMs.Add(relay.NowMs);
        var health = relay.Health;

        api.State.Faults.Failing = true;
        relay.Commit(Signals.Burst(tickets: 200, perTicket: 1, relay.NowMs).ToList());
        await AdvanceAsync(relay, api, relay.NowMs + 5_000);
        Assert.Equal(ApiState.CircuitOpen, health.State);
        Assert.Equal(0, api.State.ReceivedCount);

        api.State.Faults.Failing = false;
        var recoveredMs = relay.NowMs;
        await AdvanceAsync(relay, api, recoveredMs + 3_000, stopWhen: () => health.State == ApiState.Ok);

        // The relay's clock stands still from here (the circuit closed, or 3 s passed): what has not arrived yet would
        // need more time than that.
        await Eventually.TrueAsync(() => api.State.ReceivedCount == 200, "all 200 OPENs at the API with the clock stopped at recovery + 3 s");
        output.WriteLine($"expired {relay.Outbox.Counts().Expired} of 200; all at the API {arrivalsMs.Max() - recoveredMs} ms (relay clock) after recovery; {api.State.Faults.Injected} answers were 503");
        Assert.Equal(0, relay.Outbox.Counts().Expired);
        Assert.InRange(arrivalsMs.Max() - recoveredMs, 0, 3_000);
        Assert.Equal(ApiState.Ok, health.State);

        // Held back by the open circuit is not an attempt: a signal has at most its failed first try and the one that
        // got through; only the probe's ticket tried more often.
        Assert.True(relay.Outbox.Recent(200).Count(s => s.Attempts > 2) <= 1, string.Join(", ", relay.Outbox.Recent(200).Select(s => s.Attempts)));
    }

    [Fact]
    public async Task WhileTheCircuitIsOpen_ASignalIsHeldBack_WithoutAnAttemptOrABackoff()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Api:FailuresToOpen"] = "1", ["Api:MaxRetries"] = "0", ["Api:BreakDuration"] = "00:00:10" });
        await relay.Session.GetTokenAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => api.State.StatusReports.Count > 0, "the status report at start answered (its failure would open the circuit first)");
        api.State.Faults.Failing = true;
        relay.Commit([Signals.Make(1, 1, SignalAction.Modify, relay.NowMs)]);
        await Eventually.TrueAsync(() => relay.Health.State == ApiState.CircuitOpen && relay.Outbox.Recent(1).Single().Attempts >= 1, "the circuit opens after a failed call");
        var attemptsBefore = relay.Outbox.Recent(1).Single().Attempts;

        relay.Commit([Signals.Make(2, 1, SignalAction.Modify, relay.NowMs)]);
        relay.Time.Advance(TimeSpan.FromSeconds(5));
        relay.Delivery.Notify();
        await Eventually.TrueAsync(() => api.State.InFlight == 0, "the API idle");

        var held = relay.Outbox.Recent(2).Single(s => s.Ticket == 2);
        Assert.Equal(0, held.Attempts);
        Assert.Null(held.LastError);
        Assert.Null(held.NextAttemptAtMs);
        Assert.Equal(attemptsBefore, relay.Outbox.Recent(2).Single(s => s.Ticket == 1).Attempts);
        Assert.Equal(ApiState.CircuitOpen, relay.Health.View().State);
        Assert.Contains("503", relay.Health.View().Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOpenInLongBackoff_GetsALastTryBeforeItExpires_AndGoesWhenTheApiAnswers()
    {
        await using var api = await SandboxServer.StartAsync();
        await using var relay = await RelayHarness.StartAsync(api.Url, settings: new() { ["Api:MaxRetries"] = "0", ["Api:FailuresToOpen"] = "1000", ["Signals:MaxOpenAge"] = "00:00:20" });
        await relay.Session.GetTokenAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => api.State.StatusReports.Count > 0, "the status report at start answered");

        // Five failures: backoffs 1 + 2 + 4 + 8 s (±20 %) put the fifth at 12-18 s, and its 16 s backoff past 20 s.
        api.State.Faults.FailNext(5);
        relay.Commit([Signals.Make(1, 1, SignalAction.Open, relay.NowMs)]);

        await Eventually.TrueAsync(() => relay.Outbox.Counts().Pending == 0, "the OPEN sent or expired", relay.Time, TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, relay.Outbox.Counts().Sent);
        Assert.Equal(6, relay.Outbox.Recent(1).Single().Attempts);
    }

    /// <summary>
    /// Moves the relay's fake clock in 100 ms steps. Before each step the API must have answered everything in flight;
    /// the short real pause after it only paces the clock so the relay acts on each step (what the test asserts does
    /// not depend on it: the clock is what limits the relay, and it never passes <paramref name="untilMs"/>).
    /// </summary>
    private static async Task AdvanceAsync(RelayHarness relay, SandboxServer api, long untilMs, Func<bool>? stopWhen = null)
    {
        while (relay.NowMs < untilMs && stopWhen?.Invoke() != true)
        {
            await Eventually.TrueAsync(() => api.State.InFlight == 0, "the API idle");
            relay.Time.Advance(TimeSpan.FromMilliseconds(Math.Min(100, untilMs - relay.NowMs)));
            await Task.Delay(15);
        }
    }
}
