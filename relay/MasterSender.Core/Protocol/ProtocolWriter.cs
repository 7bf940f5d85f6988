using System.Text.Json;

namespace MasterSender.Core.Protocol;

/// <summary>Writes messages as the one-frame UTF-8 JSON of docs/protocol.md. The relay writes relay → EA messages;
/// the terminal simulator writes EA → relay messages exactly as the EA does.</summary>
public static class ProtocolWriter
{
    public static byte[] Write(RelayMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJson.RelayMessage);

    /// <summary>Writes a message its sender has stamped with its session and seq; an unstamped one is a bug in the
    /// sender (the relay would refuse it), so it is refused here.</summary>
    public static byte[] Write(EaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Session.Length == 0 || message.Seq < 1)
        {
            throw new ArgumentException($"A {message.GetType().Name} must be stamped with its session and seq before it is written", nameof(message));
        }

        return JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJson.EaMessage);
    }
}
