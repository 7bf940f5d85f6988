using System.Collections.Concurrent;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Relay.Tests;

/// <summary>The EA learns from the relay's heartbeat reply whether the signal API takes signals: the real relay, the
/// sandbox API refusing, a terminal simulator reading the replies.</summary>
public sealed class ApiHealthHeartbeatTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Heartbeat_replies_say_api_not_ok_while_the_api_rejects_signals_and_ok_once_one_is_sent()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        using var browser = await relay.LogInThroughThePageAsync();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), relay.EaEndpoint);
        var replies = new Replies();
        terminal.Received += message =>
        {
            if (message is HeartbeatReply reply)
            {
                replies.Queue.Enqueue(reply);
                replies.Arrived.Release();
            }
        };
        Assert.True((await terminal.ConnectAsync().WaitAsync(Deadline)).Accepted);

        Assert.True((await HeartbeatUntilAsync(terminal, replies, r => r.ApiOk)).ApiOk);

        relay.Api.Faults.Refuse = _ => true;
        terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.0852, 1.0822, 1.0912);
        var refused = await HeartbeatUntilAsync(terminal, replies, r => !r.ApiOk);
        Assert.False(string.IsNullOrWhiteSpace(refused.ApiError));

        relay.Api.Faults.Refuse = _ => false;
        terminal.Open("GBPUSD", PositionSide.Sell, 0.1, 1.2714, 1.2744, 1.2654);
        Assert.True((await HeartbeatUntilAsync(terminal, replies, r => r.ApiOk)).ApiOk);
    }

    // Heartbeats go out as the EA sends them; the relay decides about the API once a second, so a few rounds pass.
    private static async Task<HeartbeatReply> HeartbeatUntilAsync(TerminalSimulator terminal, Replies replies, Func<HeartbeatReply, bool> wanted)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            terminal.SendHeartbeat();
            // The reply to this heartbeat, or a quarter second: then ask again.
            await replies.Arrived.WaitAsync(TimeSpan.FromMilliseconds(250));
            while (replies.Queue.TryDequeue(out var reply))
            {
                if (wanted(reply))
                {
                    return reply;
                }
            }
        }

        throw new TimeoutException("no heartbeat reply of the kind wanted within " + Deadline);
    }

    private sealed class Replies
    {
        public ConcurrentQueue<HeartbeatReply> Queue { get; } = new();

        public SemaphoreSlim Arrived { get; } = new(0);
    }
}
