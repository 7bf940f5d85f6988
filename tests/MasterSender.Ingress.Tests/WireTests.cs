using System.Text;
using MasterSender.Core.Protocol;

namespace MasterSender.Ingress.Tests;

/// <summary>The relay's port, spoken to the way the EA speaks: raw ZMTP 3.0 bytes over TCP.</summary>
public sealed class WireTests
{
    private static byte[] Json(EaMessage message) => ProtocolWriter.Write(message);

    private static Hello Hello(string session) => new()
    {
        Session = session,
        Seq = 1,
        EaVersion = "0.1.0",
        Instance = "raw|1",
        Account = SimulatedAccount(),
        Terminal = new TerminalInfo { Path = @"C:\Program Files\MetaTrader 5", Build = 4620 },
    };

    private static AccountInfo SimulatedAccount() => Simulator.SimulatedTerminal.Demo(IngressHost.Login).Account;

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task A_byte_by_byte_ZMTP_DEALER_is_greeted_welcomed_and_heard(int chunk)
    {
        await using var relay = await IngressHost.StartAsync();
        using var client = new RawZmtpClient();
        await client.ConnectAsync(relay.Port);

        var (greeting, ready) = await client.HandshakeAsync(chunk);

        Assert.Equal(0xFF, greeting[0]);
        Assert.Equal(0x7F, greeting[9]);
        Assert.Equal(3, greeting[10]);
        Assert.Equal("NULL", Encoding.ASCII.GetString(greeting, 12, 4));
        Assert.Contains("READY", Encoding.ASCII.GetString(ready), StringComparison.Ordinal);
        Assert.Contains("ROUTER", Encoding.ASCII.GetString(ready), StringComparison.Ordinal);

        await client.SendAsync(RawZmtpClient.Frame(Json(Hello("raw-1"))), chunk);
        var (flags, body) = await client.ReceiveFrameAsync();
        var welcome = Assert.IsType<Welcome>(ProtocolReader.ReadRelayMessage(body).Message);
        Assert.Equal(0, flags & 0x01);
        Assert.True(welcome.Accepted, welcome.Message);
        Assert.Equal("raw-1", welcome.Session);

        // A snapshot larger than 255 bytes travels in a LONG frame.
        var positions = Enumerable.Range(1, 20).Select(i => new PositionState
        {
            Ticket = i, Identifier = i, Symbol = "EURUSD", Side = PositionSide.Buy, Volume = 0.1, PriceOpen = 1.08,
        }).ToList();
        await client.SendAsync(RawZmtpClient.Frame(Json(new Snapshot { Session = "raw-1", Seq = 2, Account = SimulatedAccount(), Positions = [], Orders = [] })), chunk);
        var big = Json(new Snapshot { Session = "raw-1", Seq = 3, Account = SimulatedAccount(), Positions = positions, Orders = [] });
        Assert.True(big.Length > 255);
        await client.SendAsync(RawZmtpClient.Frame(big), chunk);

        await relay.SignalsAsync(20);
    }

    [Fact]
    public async Task The_relay_sends_the_greeting_RFC_23_describes()
    {
        await using var relay = await IngressHost.StartAsync();
        using var client = new RawZmtpClient();
        await client.ConnectAsync(relay.Port);
        await client.SendAsync(RawZmtpClient.Greeting());

        var greeting = await client.ReceiveExactlyAsync(64);

        // RFC 23 leaves the 8 padding bytes free; libzmq and NetMQ put a 1 in the last for ZMTP 1.0 peers. The EA must
        // accept any padding, and the relay accepts the EA's zeros (the test above).
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F }, greeting[..10]);
        Assert.Equal(3, greeting[10]);
        Assert.Equal(Encoding.ASCII.GetBytes("NULL").Concat(new byte[16]), greeting[12..32]);
        Assert.Equal(0, greeting[32]);
        Assert.All(greeting[33..], b => Assert.Equal(0, b));
    }
}
