using System.Net;
using System.Text.Json;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Relay.Tests;

/// <summary>GET /api/check/signals, which the in-terminal acceptance check (MasterSenderCheck.mq5) polls after each trade.</summary>
public sealed class CheckEndpointTests : IAsyncLifetime, IDisposable
{
    private RelayUnderTest _relay = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _relay = await RelayUnderTest.StartAsync();

    public async Task DisposeAsync() => await _relay.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(_relay.PageUrl), pathAndQuery));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement[]> SignalsSinceAsync(long since, int atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (status, body) = await GetAsync($"/api/check/signals?since={since}");
            Assert.Equal(HttpStatusCode.OK, status);
            var signals = JsonDocument.Parse(body).RootElement.GetProperty("signals").EnumerateArray().ToArray();
            if (signals.Length >= atLeast)
            {
                return signals;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {signals.Length} of {atLeast} signals: {body}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Signals_since_a_moment_come_with_action_ticket_volume_prices_and_delivery_state()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true });
        Assert.True((await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15))).Accepted);
        var earlier = terminal.Open("GBPUSD", PositionSide.Sell, 0.3, 1.25);
        var before = await SignalsSinceAsync(0, 1);
        var since = before.Single().GetProperty("created_at_ms").GetInt64() + 1;

        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.2, 1.085);
        terminal.Modify(ticket, 1.08, 1.09);
        terminal.ClosePartial(ticket, 0.1, 1.086);
        terminal.Close(ticket, 1.087);
        var signals = await SignalsSinceAsync(since, 4);

        Assert.Equal(["OPEN", "MODIFY", "PARTIAL_CLOSE", "CLOSE"], signals.Select(s => s.GetProperty("action").GetString()));
        Assert.All(signals, s => Assert.Equal(ticket, s.GetProperty("ticket").GetInt64()));
        Assert.DoesNotContain(signals, s => s.GetProperty("ticket").GetInt64() == earlier);
        var modify = signals[1];
        Assert.Equal("EURUSD", modify.GetProperty("symbol").GetString());
        Assert.Equal("BUY", modify.GetProperty("type").GetString());
        Assert.Equal(1.08, modify.GetProperty("sl").GetDouble());
        Assert.Equal(1.09, modify.GetProperty("tp").GetDouble());
        Assert.Equal(0.1, signals[2].GetProperty("volume").GetDouble());
        Assert.Equal(1.087, signals[3].GetProperty("price").GetDouble());
        Assert.All(signals, s => Assert.Contains(s.GetProperty("state").GetString(), new[] { "pending", "retrying", "sent", "superseded" }));
        Assert.All(signals, s => Assert.True(s.GetProperty("created_at_ms").GetInt64() >= since));
    }

    [Fact]
    public async Task Nothing_since_now_is_an_empty_list_with_the_relay_clock()
    {
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();

        var (status, body) = await GetAsync($"/api/check/signals?since={future}");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Empty(root.GetProperty("signals").EnumerateArray());
        Assert.Equal(future, root.GetProperty("since").GetInt64());
        Assert.InRange(root.GetProperty("now_ms").GetInt64(), future - 600_000, future);
    }

    [Theory]
    [InlineData("/api/check/signals")]
    [InlineData("/api/check/signals?since=yesterday")]
    [InlineData("/api/check/signals?since=-5")]
    public async Task A_missing_or_malformed_since_is_a_clear_400(string pathAndQuery)
    {
        var (status, body) = await GetAsync(pathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Unix milliseconds", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_Host_is_refused_as_for_the_other_api_endpoints()
    {
        var (status, _) = await GetAsync("/api/check/signals?since=0", host: $"evil.example:{_relay.PagePort}");

        Assert.Equal(HttpStatusCode.MisdirectedRequest, status);
    }
}
