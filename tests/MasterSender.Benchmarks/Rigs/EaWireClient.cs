using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>
/// The EA's own way onto the wire, for the trade → API path: ZMTP 3.0 bytes written on the caller's thread straight
/// into a TCP socket (docs/protocol.md, "ZMTP bytes the EA sends"), as the EA's OnTradeTransaction does. The terminal
/// simulator sends through a NetMQ DEALER, whose poller and I/O threads add two thread hops the product does not
/// have; on two busy cores those hops were most of that path's p99.
/// </summary>
internal sealed class EaWireClient : IDisposable
{
    private readonly Socket _socket;
    private readonly string _session = "bench-" + Guid.NewGuid().ToString("N")[..8];
    private long _seq;

    private EaWireClient(Socket socket, SimulatedTerminal terminal)
    {
        _socket = socket;
        Terminal = terminal;
    }

    public SimulatedTerminal Terminal { get; }

    /// <summary>Connects, says hello, waits for an accepting welcome, and sends the connect snapshot.</summary>
    public static EaWireClient Connect(int port, SimulatedTerminal terminal)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        socket.Connect(IPAddress.Loopback, port);
        var client = new EaWireClient(socket, terminal);
        client.Handshake();
        client.SendMessage(new Hello
        {
            Session = client._session,
            Seq = 0,
            EaVersion = "0.1.0",
            Instance = "/bench/terminal|1",
            PairingKey = "",
            Account = terminal.Account,
            Terminal = new TerminalInfo { Path = "/bench/terminal", DataPath = "/bench/terminal", Build = 4620, Name = "bench", Connected = true, TradeAllowed = true },
        });
        Welcome? welcome;
        while ((welcome = ProtocolReader.ReadRelayMessage(client.ReceiveFrame()).Message as Welcome) is null)
        {
            // Skip whatever precedes the welcome.
        }

        if (!welcome.Accepted)
        {
            client.Dispose();
            throw new InvalidOperationException("The relay refused the wire client: " + welcome.Message);
        }

        client.Send([terminal.Snapshot("connect")]);
        return client;
    }

    public long Open(string symbol, PositionSide side, double volume, double price)
    {
        var (ticket, messages) = Terminal.Open(symbol, side, volume, price);
        Send(messages);
        return ticket;
    }

    public void Modify(long ticket, double sl, double tp) => Send(Terminal.Modify(ticket, sl, tp));

    public void Send(IEnumerable<EaMessage> messages)
    {
        foreach (var message in messages)
        {
            SendMessage(message);
        }
    }

    public void Dispose() => _socket.Dispose();

    private void SendMessage(EaMessage message)
    {
        var body = ProtocolWriter.Write(message with { Session = _session, Seq = ++_seq });
        var frame = new byte[(body.Length <= 255 ? 2 : 9) + body.Length];
        if (body.Length <= 255)
        {
            frame[1] = (byte)body.Length;
            body.CopyTo(frame, 2);
        }
        else
        {
            frame[0] = 0x02;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(1), (ulong)body.Length);
            body.CopyTo(frame, 9);
        }

        _socket.Send(frame);
    }

    private void Handshake()
    {
        var greeting = new byte[64];
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        "NULL"u8.CopyTo(greeting.AsSpan(12));
        _socket.Send(greeting);
        ReceiveExactly(64);
        byte[] ready = [0x04, 28, 5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, 6, .. "DEALER"u8];
        _socket.Send(ready);
        ReceiveFrame();
    }

    private byte[] ReceiveFrame()
    {
        var flags = ReceiveExactly(1)[0];
        var size = (flags & 0x02) != 0 ? (int)BinaryPrimitives.ReadUInt64BigEndian(ReceiveExactly(8)) : ReceiveExactly(1)[0];
        return ReceiveExactly(size);
    }

    private byte[] ReceiveExactly(int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var got = _socket.Receive(buffer, read, count - read, SocketFlags.None);
            if (got == 0)
            {
                throw new IOException("The relay closed the connection.");
            }

            read += got;
        }

        return buffer;
    }
}
