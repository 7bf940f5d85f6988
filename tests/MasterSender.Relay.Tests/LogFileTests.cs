namespace MasterSender.Relay.Tests;

/// <summary>The log file is the provider's record of what the relay did; it must be complete and hold no secret.</summary>
public sealed class LogFileTests
{
    [Fact]
    public async Task After_shutdown_the_log_file_holds_the_login_and_neither_the_password_nor_the_token()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        (await relay.LogInThroughThePageAsync()).Dispose();

        var token = Assert.Single(relay.Api.IssuedTokens);
        await relay.StopRelayAsync();

        // Logging is asynchronous; stopping must have drained it, so the last lines are there without waiting.
        var log = string.Concat(Directory.GetFiles(Path.Combine(relay.DataFolder, "logs"), "relay-*.log").Select(ReadShared));
        Assert.Contains("Listening for the EA on tcp://127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains("Logged in to the API as user", log, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayUnderTest.Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
