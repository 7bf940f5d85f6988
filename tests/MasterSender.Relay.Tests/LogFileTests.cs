using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task A_failed_login_is_one_line_with_its_cause_and_no_stack_trace()
    {
        await using var relay = await RelayUnderTest.StartAsync(new Dictionary<string, string>
        {
            ["Api:Url"] = "http://127.0.0.1:9", ["Api:Username"] = RelayUnderTest.User, ["Api:Password"] = RelayUnderTest.Password,
        });
        var session = relay.App.Services.GetRequiredService<MasterSender.Broadcast.ApiSession>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (session.LastError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await relay.StopRelayAsync();

        var lines = string.Concat(Directory.GetFiles(Path.Combine(relay.DataFolder, "logs"), "relay-*.log").Select(ReadShared)).Split('\n');
        Assert.Contains(lines, line => line.Contains("Login to the API failed: POST /token: API unreachable (Connection refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Execution attempt", StringComparison.Ordinal));
        var loginFailures = lines.Count(line => line.Contains("Login to the API failed", StringComparison.Ordinal));
        Assert.True(lines.Count(line => line.Contains("Connection refused", StringComparison.Ordinal)) <= 2 * loginFailures, string.Join('\n', lines));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
