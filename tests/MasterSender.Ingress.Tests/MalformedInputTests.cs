using System.Net.Sockets;
using System.Text;
using MasterSender.Core.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Ingress.Tests;

/// <summary>Garbage at the socket must never stop the relay nor a good session beside it.</summary>
public sealed class MalformedInputTests
{
    private static readonly Dictionary<string, string?> SmallFrames = new() { ["Ingress:MaxFrameBytes"] = "65536" };

    private static IEnumerable<byte[]> MalformedFrames(Random random, int count)
    {
        string[] shapes =
        [
            "{\"v\":1,\"type\":\"position\",\"session\":\"x\",\"seq\":1,\"position\":{\"ticket\":\"one\"}}",
            "{\"v\":1,\"type\":\"snapshot\",\"session\":\"x\",\"seq\":2,\"positions\":[{\"volume\":-1}],\"orders\":[]}",
            "{\"v\":1,\"type\":\"hello\",\"session\":\"x\",\"seq\":1}",
            "{\"v\":\"1\"}",
            "[]",
            "{\"v\":1,\"type\":\"order\",\"session\":\"x\",\"seq\":3,\"order\":{\"ticket\":5,\"volume\":NaN}}",
            "{\"v\":1,\"type\":\"position\",\"session\":\"x\",\"seq\":4,\"position\":{\"ticket\":5,\"volume\":1e999}}",
            "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
        ];
        for (var i = 0; i < count; i++)
        {
            if (i % 3 == 0)
            {
                var bytes = new byte[random.Next(0, 2048)];
                random.NextBytes(bytes);
                yield return bytes;
            }
            else
            {
                yield return Encoding.UTF8.GetBytes(shapes[random.Next(shapes.Length)]);
            }
        }
    }

    [Fact]
    public async Task Thousands_of_malformed_frames_and_random_streams_leave_a_good_session_working()
    {
        await using var relay = await IngressHost.StartAsync(SmallFrames);
        var good = await relay.ConnectedSimulatorAsync();
        var random = new Random(20261124);

        // 1. Valid ZMTP, invalid messages: random bytes, wrong types, absurd values, multi-frame messages.
        // The dealer stays open until the relay has counted every frame: closing it earlier leaves delivery to
        // NetMQ's linger, which drops queued frames on a loaded machine (CI saw 1,188 of 3,000 arrive).
        using (var dealer = new DealerSocket())
        {
            dealer.Connect(relay.Endpoint);
            var sent = 0;
            foreach (var frame in MalformedFrames(random, 3_000))
            {
                if (sent++ % 10 == 0)
                {
                    dealer.SendMoreFrame(frame).SendFrame(frame);
                }
                else
                {
                    dealer.SendFrame(frame);
                }
            }

            await Eventually.True(() => relay.Metrics.Malformed >= 3_000, $"3000 malformed frames counted (have {relay.Metrics.Malformed}, frames {relay.Metrics.FramesReceived})", TimeSpan.FromSeconds(60));
        }

        // 2. Not ZMTP at all: random byte streams, truncated greetings, a greeting followed by junk.
        for (var i = 0; i < 200; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", relay.Port);
            var stream = tcp.GetStream();
            var junk = new byte[random.Next(1, 512)];
            random.NextBytes(junk);
            byte[] payload = (i % 3) switch
            {
                0 => junk,
                1 => RawZmtpClient.Greeting()[..random.Next(1, 64)],
                _ => [.. RawZmtpClient.Greeting(), .. junk],
            };
            await stream.WriteAsync(payload);
        }

        // 3. The good session is still heard.
        good.SendHeartbeat();
        var ticket = good.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        var signal = Assert.Single(await relay.SignalsAsync(1));
        Assert.Equal(ticket, signal.MasterTicket);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_drops_only_that_connection()
    {
        await using var relay = await IngressHost.StartAsync(SmallFrames);
        var good = await relay.ConnectedSimulatorAsync();
        using var client = new RawZmtpClient();
        await client.ConnectAsync(relay.Port);
        await client.HandshakeAsync();

        // A LONG frame announcing 1 GiB: the relay must refuse it without reading (or allocating) it.
        byte[] header = [0x02, 0, 0, 0, 0, 0x40, 0, 0, 0];
        await client.SendAsync(header);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var (_, body) = await client.ReceiveFrameAsync();
            Assert.Fail("the relay answered an oversized frame: " + body.Length);
        });
        await Eventually.True(() => relay.Metrics.LastConnectionRefusal?.StartsWith("FrameTooLarge", StringComparison.Ordinal) == true, "the refusal to be recorded with its cause");
        Assert.Contains("over Ingress:MaxFrameBytes (65536)", relay.Metrics.LastConnectionRefusal, StringComparison.Ordinal);
        good.Open("EURUSD", PositionSide.Sell, 0.1, 1.08);
        await relay.SignalsAsync(1);
    }

    [Fact]
    public async Task A_flood_of_messages_from_an_unknown_session_gets_rate_limited_resyncs()
    {
        await using var relay = await IngressHost.StartAsync();
        using var stranger = new DealerSocket();
        stranger.Options.Linger = TimeSpan.Zero;
        stranger.Connect(relay.Endpoint);
        var resyncs = 0;

        var started = DateTime.UtcNow;
        for (var seq = 1; seq <= 2_000; seq++)
        {
            stranger.SendFrame(ProtocolWriter.Write(new Heartbeat { Session = "never-said-hello", Seq = seq }));
            while (stranger.TryReceiveFrameBytes(out var reply))
            {
                resyncs += ProtocolReader.ReadRelayMessage(reply).Message is Resync { Reason: ResyncReasons.UnknownSession } ? 1 : 0;
            }
        }

        await Eventually.True(() => relay.Metrics.FramesReceived >= 2_000, "all frames received");
        var elapsedSeconds = (DateTime.UtcNow - started).TotalSeconds;
        await Eventually.True(() =>
        {
            while (stranger.TryReceiveFrameBytes(out var reply))
            {
                resyncs += ProtocolReader.ReadRelayMessage(reply).Message is Resync ? 1 : 0;
            }

            return resyncs >= 1;
        }, "at least one resync");
        // One answer per second per connection, not one per message: the flood is not amplified.
        Assert.InRange(resyncs, 1, (int)Math.Ceiling(elapsedSeconds + 2));
    }
}
