using MasterSender.Relay.Status;

namespace MasterSender.Relay.Tests;

public sealed class ApiHealthTests
{
    private static readonly ApiView LoggedIn = new("http://api", true, "provider", 5012345, "pro", 3, null);

    [Fact]
    public void Logged_in_with_the_newest_signal_sent_is_healthy()
    {
        var health = ApiHealthMonitor.Evaluate(LoggedIn, [Entry("sent"), Entry("rejected", "HTTP 422")]);

        Assert.True(health.Ok);
        Assert.Equal("", health.Error);
    }

    [Fact]
    public void Not_logged_in_is_trouble_with_the_reason()
    {
        var health = ApiHealthMonitor.Evaluate(LoggedIn with { LoggedIn = false, LastError = "wrong password" }, []);

        Assert.False(health.Ok);
        Assert.Equal("wrong password", health.Error);
    }

    [Fact]
    public void A_signal_waiting_with_an_error_is_trouble_even_after_an_older_one_was_sent()
    {
        var health = ApiHealthMonitor.Evaluate(LoggedIn, [Entry("pending", "HTTP 503"), Entry("sent")]);

        Assert.False(health.Ok);
        Assert.Equal("HTTP 503", health.Error);
    }

    [Fact]
    public void The_newest_finished_signal_rejected_is_trouble_until_one_is_sent()
    {
        Assert.False(ApiHealthMonitor.Evaluate(LoggedIn, [Entry("pending"), Entry("rejected", "HTTP 403"), Entry("sent")]).Ok);
        Assert.True(ApiHealthMonitor.Evaluate(LoggedIn, [Entry("sent"), Entry("rejected", "HTTP 403")]).Ok);
    }

    private static SignalLogEntry Entry(string state, string? error = null) =>
        new("k", "OPEN", "EURUSD", "BUY", 0.1, 1.1, 1, state, 1, error, 1_700_000_000_000, null);
}
