using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

public sealed class ApiHealthTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));

    private ApiHealth Create(int failuresToOpen = 3) =>
        new(time, Options.Create(new ApiOptions { Url = "https://api.example", FailuresToOpen = failuresToOpen, BreakDuration = TimeSpan.FromSeconds(1) }), NullLogger<ApiHealth>.Instance);

    [Fact]
    public void Opens_AfterFailuresInARow_AndHoldsBroadcastsBackUntilTheBreakIsOver()
    {
        var health = Create();
        health.Failed("POST /signal/broadcast answered 503 Service Unavailable");
        health.Failed("POST /signal/broadcast answered 503 Service Unavailable");
        Assert.Equal(ApiState.Failing, health.State);
        Assert.True(health.Admit().Go);

        health.Failed("POST /signal/broadcast answered 503 Service Unavailable");

        Assert.Equal(ApiState.CircuitOpen, health.State);
        var refused = health.Admit();
        Assert.False(refused.Go);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() + 1_000, refused.RetryAtMs);
        Assert.Equal("POST /signal/broadcast answered 503 Service Unavailable", health.View().Problem);
    }

    [Fact]
    public void After_the_break_exactly_one_probe_goes_and_its_failure_opens_another_break()
    {
        var health = Create(failuresToOpen: 1);
        health.Failed("unreachable");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(health.Admit().Go);
        Assert.False(health.Admit().Go);

        health.Failed("unreachable");
        Assert.False(health.Admit().Go);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() + 1_000, health.WaitingUntilMs());
    }

    [Fact]
    public void An_answer_closes_the_circuit_and_tells_delivery_once()
    {
        var health = Create(failuresToOpen: 1);
        var recovered = 0;
        health.Recovered += () => recovered++;
        health.Failed("unreachable");

        health.Answered();
        health.Answered();

        Assert.Equal(1, recovered);
        Assert.Equal(ApiState.Ok, health.State);
        Assert.Null(health.View().Problem);
        Assert.True(health.Admit().Go);
    }
}
