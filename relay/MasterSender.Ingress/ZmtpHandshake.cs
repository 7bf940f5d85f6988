using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace MasterSender.Ingress;

/// <summary>
/// The opening of a ZMTP 3 connection as the front door reads it (RFC 23/ZMTP): the peer's 64-byte greeting, then its
/// READY command. Only what the front needs to decide: is this ZMTP 3 with the NULL mechanism, and does the peer try
/// to choose its own routing id (the <c>Identity</c> property, which NetMQ would take as the ROUTER identity).
/// </summary>
internal static class ZmtpHandshake
{
    public const int GreetingLength = 64;

    // A READY from a DEALER is a few dozen bytes; anything near this is not an EA.
    private const int MaxReadyBytes = 4096;

    /// <summary>What NetMQ's ROUTER sends first (ZMTP 3.0, NULL, not as-server): the EA reads it before its READY.</summary>
    public static byte[] ServerGreeting()
    {
        var greeting = new byte[GreetingLength];
        greeting[0] = 0xFF;
        greeting[8] = 1; // As libzmq and NetMQ do, for ZMTP 1.0 peers (RFC 23 leaves the padding free).
        greeting[9] = 0x7F;
        greeting[10] = 3;
        greeting[11] = 0;
        "NULL"u8.CopyTo(greeting.AsSpan(12));
        return greeting;
    }

    /// <summary>Null when the greeting is ZMTP 3 or later with the NULL mechanism; otherwise why not.</summary>
    public static string? CheckGreeting(ReadOnlySpan<byte> greeting)
    {
        if (greeting[0] != 0xFF || (greeting[9] & 0x01) == 0)
        {
            return "not a ZMTP greeting";
        }

        if (greeting[10] < 3)
        {
            return $"ZMTP version {greeting[10]} (3 is needed)";
        }

        var mechanism = greeting.Slice(12, 20).TrimEnd((byte)0);
        return mechanism.SequenceEqual("NULL"u8) ? null : $"security mechanism {Encoding.ASCII.GetString(mechanism)} (only NULL is spoken)";
    }

    /// <summary>Reads the READY command frame whole (header and body) so it can be passed on unchanged.</summary>
    public static async Task<byte[]> ReadCommandAsync(Socket socket, CancellationToken cancellationToken)
    {
        var flags = new byte[1];
        await ReceiveExactlyAsync(socket, flags, cancellationToken);
        if ((flags[0] & 0x04) == 0)
        {
            throw new HandshakeRefusedException("a message before the READY command");
        }

        var longSize = (flags[0] & 0x02) != 0;
        var sizeBytes = new byte[longSize ? 8 : 1];
        await ReceiveExactlyAsync(socket, sizeBytes, cancellationToken);
        var size = longSize ? BinaryPrimitives.ReadUInt64BigEndian(sizeBytes) : sizeBytes[0];
        if (size > MaxReadyBytes)
        {
            throw new HandshakeRefusedException($"a READY command of {size} bytes");
        }

        var command = new byte[1 + sizeBytes.Length + (int)size];
        command[0] = flags[0];
        sizeBytes.CopyTo(command, 1);
        await ReceiveExactlyAsync(socket, command.AsMemory(1 + sizeBytes.Length), cancellationToken);
        return command;
    }

    /// <summary>Null when the READY command may be passed to the ROUTER; otherwise why not.</summary>
    public static (ConnectionRefusal Kind, string Detail)? CheckReady(byte[] command)
    {
        return ReadyProblem(command, out var choseIdentity) is { } problem
            ? (choseIdentity ? ConnectionRefusal.IdentityRefused : ConnectionRefusal.BadHandshake, problem)
            : null;
    }

    private static string? ReadyProblem(byte[] command, out bool choseIdentity)
    {
        choseIdentity = false;
        var body = command.AsSpan((command[0] & 0x02) != 0 ? 9 : 2);
        if (body.Length < 1 || body.Length < 1 + body[0] || !body.Slice(1, body[0]).SequenceEqual("READY"u8))
        {
            return "the first command is not READY";
        }

        var properties = body[(1 + body[0])..];
        while (!properties.IsEmpty)
        {
            var nameLength = properties[0];
            if (properties.Length < 1 + nameLength + 4)
            {
                return "a malformed READY property";
            }

            var name = properties.Slice(1, nameLength);
            var valueLength = BinaryPrimitives.ReadUInt32BigEndian(properties.Slice(1 + nameLength, 4));
            if (valueLength > (uint)(properties.Length - 1 - nameLength - 4))
            {
                return "a malformed READY property";
            }

            // NetMQ makes a non-empty Identity the peer's ROUTER routing id. A peer that picks the id NetMQ generates
            // next makes the next EA's connect throw inside NetMQ (duplicate key), so no peer chooses its id here.
            if (valueLength > 0 && (Ascii.EqualsIgnoreCase(name, "Identity"u8) || Ascii.EqualsIgnoreCase(name, "Routing-Id"u8)))
            {
                choseIdentity = true;
                return "the peer chose its own routing id (READY property " + Encoding.ASCII.GetString(name) + "); the relay assigns them";
            }

            properties = properties[(1 + nameLength + 4 + (int)valueLength)..];
        }

        return null;
    }

    public static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new ConnectionClosedException();
            }

            buffer = buffer[read..];
        }
    }
}

/// <summary>The peer's handshake is not one the relay accepts; the message says why.</summary>
internal sealed class HandshakeRefusedException(string reason) : Exception(reason);

/// <summary>The peer closed the connection.</summary>
internal sealed class ConnectionClosedException : Exception;
