using System.Globalization;
using System.Text.RegularExpressions;
using MasterSender.Core.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Ingress.Tests;

/// <summary>
/// The EA port's front door: connections that never finish a handshake, too many connections, peers that choose their
/// own routing id, and NetMQ failing on its socket thread must neither stop the relay nor keep an EA out.
/// </summary>
public sealed partial class FrontDoorTests
{
    private static Hello Hello(string session) => new()
    {
        Session = session,
        Seq = 1,
        EaVersion = "0.1.0",
        Instance = "raw|" + session,
        Account = Simulator.SimulatedTerminal.Demo(IngressHost.Login).Account,
        Terminal = new TerminalInfo { Path = @"C:\Program Files\MetaTrader 5", Build = 4620 },
    };

    /// <summary>Connects as the EA does and returns the relay's welcome.</summary>
    private static async Task<Welcome> WelcomeAsync(int port, string session)
    {
        using var ea = new RawZmtpClient();
        await ea.ConnectAsync(port);
        await ea.HandshakeAsync();
        await ea.SendAsync(RawZmtpClient.Frame(ProtocolWriter.Write(Hello(session))));
        var (_, body) = await ea.ReceiveFrameAsync();
        return Assert.IsType<Welcome>(ProtocolReader.ReadRelayMessage(body).Message);
    }

    [Fact]
    public async Task A_connection_that_never_finishes_its_handshake_is_closed_after_the_timeout_and_logged_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:HandshakeTimeout"] = "00:00:02" }, time, logs: logs);
        using var idle = new RawZmtpClient();
        await idle.ConnectAsync(relay.Port);
        await Eventually.True(() => relay.Metrics.ConnectionsOpen == 1, "the connection to be accepted");

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, relay.Metrics.ConnectionsRefused);
        time.Advance(TimeSpan.FromSeconds(1.5));

        Assert.True(await idle.IsClosedByPeerAsync(), "the idle connection is still open");
        await Eventually.True(() => relay.Metrics.ConnectionsOpen == 0, "the connection to be counted closed");
        Assert.Equal(1, relay.Metrics.ConnectionsRefused);
        var line = Assert.Single(logs.Lines, l => l.Contains("Closed a connection", StringComparison.Ordinal));
        Assert.Contains("HandshakeTimeout", line, StringComparison.Ordinal);
        Assert.Contains("Ingress:HandshakeTimeout", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_cap_is_reached_the_oldest_idle_connection_makes_room_and_the_EA_is_welcomed()
    {
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:MaxConnections"] = "3" }, logs: logs);
        var idle = new List<RawZmtpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                idle.Add(new RawZmtpClient());
                await idle[i].ConnectAsync(relay.Port);
                await Eventually.True(() => relay.Metrics.ConnectionsOpen == i + 1, $"connection {i + 1} to be accepted");
            }

            var welcome = await WelcomeAsync(relay.Port, "capped-1");

            Assert.True(welcome.Accepted, welcome.Message);
            Assert.True(await idle[0].IsClosedByPeerAsync(), "the oldest idle connection is still open");
            Assert.Equal(1, relay.Metrics.ConnectionsRefused);
            Assert.Contains(logs.Lines, l => l.Contains("CapReached", StringComparison.Ordinal) && l.Contains("Ingress:MaxConnections", StringComparison.Ordinal));
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_connection_silent_past_the_terminal_timeout_after_its_handshake_makes_room_for_an_EA()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:MaxConnections"] = "1" }, time, logs: logs);
        using var silent = new RawZmtpClient();
        await silent.ConnectAsync(relay.Port);
        await silent.HandshakeAsync();

        time.Advance(TimeSpan.FromSeconds(6));
        var welcome = await WelcomeAsync(relay.Port, "after-silent");

        Assert.True(welcome.Accepted, welcome.Message);
        Assert.True(await silent.IsClosedByPeerAsync(), "the silent connection is still open");
        Assert.Contains(logs.Lines, l => l.Contains("CapReached", StringComparison.Ordinal) && l.Contains("silent for 6 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_every_connection_is_a_live_EA_a_new_connection_is_closed_and_logged()
    {
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(new Dictionary<string, string?> { ["Ingress:MaxConnections"] = "1" }, logs: logs);
        using var ea = new RawZmtpClient();
        await ea.ConnectAsync(relay.Port);
        await ea.HandshakeAsync();
        await ea.SendAsync(RawZmtpClient.Frame(ProtocolWriter.Write(Hello("live-1"))));
        await ea.ReceiveFrameAsync();

        using var extra = new RawZmtpClient();
        await extra.ConnectAsync(relay.Port);

        Assert.True(await extra.IsClosedByPeerAsync(), "a connection over the cap is still open");
        Assert.Contains(logs.Lines, l => l.Contains("CapReached", StringComparison.Ordinal) && l.Contains("the new one is closed", StringComparison.Ordinal));
        await ea.SendAsync(RawZmtpClient.Frame(ProtocolWriter.Write(new Heartbeat { Session = "live-1", Seq = 2 })));
        var (_, body) = await ea.ReceiveFrameAsync();
        Assert.IsType<HeartbeatReply>(ProtocolReader.ReadRelayMessage(body).Message);
    }

    [Fact]
    public async Task A_peer_that_chooses_its_routing_id_is_refused_and_the_next_EA_is_welcomed()
    {
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(logs: logs);
        using var chooser = new RawZmtpClient();
        await chooser.ConnectAsync(relay.Port);
        await chooser.SendAsync(RawZmtpClient.Greeting());
        await chooser.ReceiveExactlyAsync(64);
        await chooser.SendAsync(RawZmtpClient.ReadyCommand(identity: [0, 1, 2, 3, 4]));

        Assert.True(await chooser.IsClosedByPeerAsync(), "a peer that chose its routing id is still connected");
        var welcome = await WelcomeAsync(relay.Port, "after-chooser");

        Assert.True(welcome.Accepted, welcome.Message);
        Assert.Contains(logs.Lines, l => l.Contains("IdentityRefused", StringComparison.Ordinal));
        Assert.Equal(0, relay.Metrics.SocketRestarts);
    }

    /// <summary>
    /// The front door keeps chosen ids away from NetMQ; this goes round it, to NetMQ's private port, to prove that when
    /// NetMQ throws on the socket thread (here: a peer took the routing id NetMQ generates next, so the next EA's
    /// connect is a duplicate key in Router.IdentifyPeer) the relay lives on, rebuilds the socket and welcomes the EA.
    /// </summary>
    [Fact]
    public async Task When_NetMQ_throws_on_the_socket_thread_the_socket_is_rebuilt_and_the_EA_is_welcomed_again()
    {
        var logs = new CapturedLogs();
        await using var relay = await IngressHost.StartAsync(logs: logs);

        // NetMQ's generated routing ids are 0 followed by a counter; the relay's log shows them.
        using var probe = new RawZmtpClient();
        await probe.ConnectAsync(relay.Ingress.RouterPort);
        await probe.HandshakeAsync();
        await probe.SendAsync(RawZmtpClient.Frame("not json"u8.ToArray()));
        await Eventually.True(() => logs.Lines.Any(l => PeerInLog().IsMatch(l)), "the malformed frame to be logged with its peer id");
        var probeId = Convert.FromHexString(PeerInLog().Match(logs.Lines.First(l => PeerInLog().IsMatch(l))).Groups[1].Value);
        var nextId = (byte[])probeId.Clone();
        BitConverter.GetBytes(BitConverter.ToInt32(probeId, 1) + 1).CopyTo(nextId, 1);

        using var squatter = new RawZmtpClient();
        await squatter.ConnectAsync(relay.Ingress.RouterPort);
        await squatter.HandshakeAsync(identity: nextId);

        Welcome? welcome = null;
        await Eventually.True(() =>
        {
            try
            {
                welcome = WelcomeAsync(relay.Port, "after-rebuild").WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
                return true;
            }
            catch (Exception exception) when (exception is IOException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false; // The first attempt meets the failing socket; an EA reconnects, as this does.
            }
        }, "an EA to be welcomed after the socket failed");

        Assert.True(welcome!.Accepted, welcome.Message);
        Assert.Equal(1, relay.Metrics.SocketRestarts);
        Assert.Contains("same key", relay.Metrics.LastSocketError, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("rebuilding it", StringComparison.Ordinal));
    }

    [GeneratedRegex("from peer ([0-9A-F]{10})")]
    private static partial Regex PeerInLog();
}
