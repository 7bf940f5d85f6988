using System.Net.Http.Json;
using System.Text.Json;
using MasterSender.Broadcast;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Relay.Tests;

/// <summary>Trouble with the API must not look green (issue 12, items 7 and 12): /api/status, which the page's badge
/// and warning are drawn from.</summary>
public sealed class ApiTroubleTests
{
    [Fact]
    public async Task While_the_API_answers_503_the_status_shows_failing_then_the_open_circuit_with_the_problem()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        (await relay.LogInThroughThePageAsync()).Dispose();
        using var page = new HttpClient { BaseAddress = new Uri(relay.PageUrl) };
        Assert.Equal("ok", (await ApiAsync(page)).GetProperty("state").GetString());

        relay.Api.Faults.Failing = true;
        var session = relay.App.Services.GetRequiredService<ApiSession>();
        await session.LoginAsync(RelayUnderTest.User, RelayUnderTest.Password, CancellationToken.None);

        var api = await ApiAsync(page);
        Assert.Equal("failing", api.GetProperty("state").GetString());
        Assert.Contains("503", api.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains("503", api.GetProperty("last_error").GetString(), StringComparison.Ordinal);

        for (var call = 0; call < 5; call++)
        {
            await session.LoginAsync(RelayUnderTest.User, RelayUnderTest.Password, CancellationToken.None);
        }

        api = await ApiAsync(page);
        Assert.Equal("circuit_open", api.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, api.GetProperty("next_probe_at_ms").ValueKind);

        relay.Api.Faults.Failing = false;
        await session.LoginAsync(RelayUnderTest.User, RelayUnderTest.Password, CancellationToken.None);
        api = await ApiAsync(page);
        Assert.Equal("ok", api.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, api.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task Plain_http_to_another_host_runs_only_when_allowed_and_then_the_status_says_insecure()
    {
        await using var relay = await RelayUnderTest.StartAsync(new Dictionary<string, string> { ["Api:Url"] = "http://signals.example.invalid", ["Api:AllowInsecureHttp"] = "true" });
        using var page = new HttpClient { BaseAddress = new Uri(relay.PageUrl) };

        Assert.True((await ApiAsync(page)).GetProperty("insecure").GetBoolean());
    }

    [Fact]
    public async Task The_sandbox_on_this_machine_over_http_is_not_insecure()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        using var page = new HttpClient { BaseAddress = new Uri(relay.PageUrl) };

        Assert.False((await ApiAsync(page)).GetProperty("insecure").GetBoolean());
    }

    private static async Task<JsonElement> ApiAsync(HttpClient page) =>
        (await page.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("api");
}
