using System.Text.Json;
using MasterSender.Core.Protocol;
using MasterSender.Ingress.Tests;
using MasterSender.Simulator;

namespace MasterSender.Relay.Tests;

/// <summary>SL/TP changes queued behind a slow API are replaced by the newest, and the page says how many were.</summary>
public sealed class SupersededCountTests : IAsyncLifetime, IDisposable
{
    private RelayUnderTest _relay = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _relay = await RelayUnderTest.StartAsync();

    public async Task DisposeAsync() => await _relay.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task SlMovesBehindAHeldSend_ReachTheApiAsTheNewest_AndThePageCountsTheOthersAsSuperseded()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        var release = new TaskCompletionSource();
        _relay.Api.Faults.HoldBroadcasts = release.Task;
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true });
        Assert.True((await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15))).Accepted);
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.2, 1.085);
        await Eventually.True(() => _relay.Api.Faults.Held == 1, "the OPEN held at the API");

        foreach (var sl in new[] { 1.080, 1.081, 1.082, 1.083 })
        {
            terminal.Modify(ticket, sl, 1.09);
        }

        await SignalsWhenAsync(s => s.GetProperty("produced").GetInt64() >= 5, "the four SL moves made into signals");
        _relay.Api.Faults.HoldBroadcasts = null;
        release.SetResult();
        var counts = await SignalsWhenAsync(s => s.GetProperty("pending").GetInt64() == 0, "nothing left to send");

        var received = _relay.Api.Received.Where(s => s.Ticket == ticket).ToList();
        Assert.Equal(["OPEN", "MODIFY"], received.Select(s => s.Action));
        Assert.Equal(1.083, JsonDocument.Parse(received[1].Body).RootElement.GetProperty("sl").GetDouble());
        Assert.Equal(3, counts.GetProperty("superseded").GetInt64());
        Assert.Equal(2, counts.GetProperty("sent").GetInt64());
    }

    /// <summary>The page's signal counters once <paramref name="wanted"/> holds, polled with a deadline.</summary>
    private async Task<JsonElement> SignalsWhenAsync(Func<JsonElement, bool> wanted, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var body = await _http.GetStringAsync(new Uri(new Uri(_relay.PageUrl), "/api/status"));
            var signals = JsonDocument.Parse(body).RootElement.GetProperty("signals").Clone();
            if (wanted(signals))
            {
                return signals;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what} ({signals})");
            await Task.Delay(20);
        }
    }
}
