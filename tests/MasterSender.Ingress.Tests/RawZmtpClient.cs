using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace MasterSender.Ingress.Tests;

/// <summary>
/// A ZMTP 3.0 DEALER written byte by byte over a plain TCP socket, the way the EA does it in MQL5
/// (docs/protocol.md, "ZMTP bytes"): it proves the relay accepts exactly what the EA will send.
/// </summary>
internal sealed class RawZmtpClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;

    public static byte[] Greeting()
    {
        var greeting = new byte[64];
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        greeting[11] = 0;
        Encoding.ASCII.GetBytes("NULL").CopyTo(greeting, 12);
        return greeting;
    }

    /// <param name="identity">When set, the READY also carries an <c>Identity</c> property: the peer asks to be
    /// known to the ROUTER by that routing id (the EA never does).</param>
    public static byte[] ReadyCommand(byte[]? identity = null)
    {
        var body = new List<byte> { 5 };
        body.AddRange("READY"u8.ToArray());
        body.Add(11);
        body.AddRange("Socket-Type"u8.ToArray());
        body.AddRange([0, 0, 0, 6]);
        body.AddRange("DEALER"u8.ToArray());
        if (identity is not null)
        {
            body.Add(8);
            body.AddRange("Identity"u8.ToArray());
            body.AddRange([0, 0, 0, (byte)identity.Length]);
            body.AddRange(identity);
        }

        return [0x04, (byte)body.Count, .. body];
    }

    public static byte[] Frame(byte[] body, bool more = false)
    {
        var flags = (byte)(more ? 0x01 : 0x00);
        if (body.Length <= 255)
        {
            return [flags, (byte)body.Length, .. body];
        }

        var header = new byte[9];
        header[0] = (byte)(flags | 0x02);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(1), (ulong)body.Length);
        return [.. header, .. body];
    }

    public async Task ConnectAsync(int port)
    {
        await _tcp.ConnectAsync("127.0.0.1", port);
        _stream = _tcp.GetStream();
    }

    /// <summary>Sends the bytes in chunks of <paramref name="chunk"/>, as a slow or fragmenting writer would.</summary>
    public async Task SendAsync(byte[] bytes, int chunk = int.MaxValue)
    {
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            await _stream.WriteAsync(bytes.AsMemory(offset, Math.Min(chunk, bytes.Length - offset)));
            await _stream.FlushAsync();
        }
    }

    public async Task<byte[]> ReceiveExactlyAsync(int count)
    {
        var buffer = new byte[count];
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await _stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }

    /// <summary>Reads one frame: (flags, body).</summary>
    public async Task<(byte Flags, byte[] Body)> ReceiveFrameAsync()
    {
        var flags = (await ReceiveExactlyAsync(1))[0];
        var size = (flags & 0x02) != 0
            ? (int)BinaryPrimitives.ReadUInt64BigEndian(await ReceiveExactlyAsync(8))
            : (await ReceiveExactlyAsync(1))[0];
        return (flags, await ReceiveExactlyAsync(size));
    }

    /// <summary>Greeting and READY in both directions; returns the peer's greeting and READY body.</summary>
    public async Task<(byte[] Greeting, byte[] Ready)> HandshakeAsync(int chunk = int.MaxValue, byte[]? identity = null)
    {
        await SendAsync(Greeting(), chunk);
        var greeting = await ReceiveExactlyAsync(64);
        await SendAsync(ReadyCommand(identity), chunk);
        var (flags, ready) = await ReceiveFrameAsync();
        Assert.Equal(0x04, flags & 0x04);
        return (greeting, ready);
    }

    /// <summary>True once the relay has closed the connection (a read returns end of stream or fails).</summary>
    public async Task<bool> IsClosedByPeerAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            var buffer = new byte[4096];
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _tcp.Dispose();
}
