using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Ingress.Tests;

/// <summary>What the log says about a flood of malformed frames: the count, not only the first one.</summary>
public sealed class MalformedLogTests
{
    [Fact]
    public async Task A_burst_of_malformed_frames_is_logged_with_its_count_and_total_even_after_the_connection_is_gone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(time: time, logs: logs);
        using (var client = new RawZmtpClient())
        {
            await client.ConnectAsync(relay.Port);
            await client.HandshakeAsync();
            for (var i = 0; i < 50; i++)
            {
                await client.SendAsync(RawZmtpClient.Frame("{\"v\":1,\"type\":\"nonsense\"}"u8.ToArray()));
            }

            await Eventually.True(() => relay.Metrics.Malformed == 50, $"50 malformed frames counted (have {relay.Metrics.Malformed})");
        }

        var first = Assert.Single(logs.Lines, l => l.Contains("malformed", StringComparison.Ordinal));
        Assert.Contains("Dropped 1 malformed", first, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(61));

        await Eventually.True(() => logs.Lines.Any(l => l.Contains("Dropped 49 malformed", StringComparison.Ordinal)), "the other 49 to be logged as a count");
        Assert.Contains(logs.Lines, l => l.Contains("Dropped 49 malformed", StringComparison.Ordinal) && l.Contains("50 from all peers", StringComparison.Ordinal));
    }
}
