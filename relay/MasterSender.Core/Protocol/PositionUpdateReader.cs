using System.Text.Json;

namespace MasterSender.Core.Protocol;

/// <summary>
/// Reads the commonest frame, a <c>position</c> message, without the serializer: one pass of a
/// <see cref="Utf8JsonReader"/> straight into the records. The generated serializer allocates its read stack for a
/// nested object and builds the envelope through an argument array; at thousands of position messages a second that
/// was the largest single share of the ingress's CPU (issue 15).
/// It accepts only what the serializer reads the same way (the same names, JSON types and number ranges; unknown
/// members skipped) and gives up on anything else — a missing or repeated member, a null, a number that does not
/// fit, bad JSON — so that the serializer reads that frame and names its problem exactly as before. Its result is
/// then checked like any message (<see cref="ProtocolReader"/>).
/// </summary>
internal static class PositionUpdateReader
{
    // Members seen, one bit each; a repeated one sends the frame to the serializer (whatever it does with it).
    private const int V = 1, Session = 2, Seq = 4, Position = 8, Type = 16;
    private const int Ticket = 1, Identifier = 2, Symbol = 4, Side = 8, Volume = 16, PriceOpen = 32, Sl = 64, Tp = 128,
        PriceCurrent = 256, Profit = 512, TimeMsc = 1024, TimeUpdateMsc = 2048, Magic = 4096, Comment = 8192;

    private const int RequiredEnvelope = V | Session | Seq | Position;
    private const int RequiredPosition = Ticket | Symbol | Side | Volume | PriceOpen;

    /// <summary>The message, or null when the serializer should read the frame.</summary>
    public static PositionUpdate? TryRead(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            return Read(ref reader);
        }
#pragma warning disable CA1031 // Any doubt (bad JSON, invalid UTF-8 in a string) is the serializer's to report.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static PositionUpdate? Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var seen = 0;
        var version = 0;
        var session = "";
        var seq = 0L;
        PositionState? position = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = reader.ValueTextEquals("v"u8) ? V
                : reader.ValueTextEquals("type"u8) ? Type
                : reader.ValueTextEquals("session"u8) ? Session
                : reader.ValueTextEquals("seq"u8) ? Seq
                : reader.ValueTextEquals("position"u8) ? Position
                : 0;
            if ((seen & member) != 0 || !reader.Read())
            {
                return null;
            }

            seen |= member;
            var ok = member switch
            {
                V => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out version),
                Session => String(ref reader, out session),
                Seq => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out seq),
                Position => (position = ReadPosition(ref reader)) is not null,
                _ => reader.TrySkip(), // "type" (already known to be "position") and members this relay does not know
            };
            if (!ok)
            {
                return null;
            }
        }

        // Only whitespace may follow the object, as for the serializer.
        if (reader.TokenType != JsonTokenType.EndObject || (seen & RequiredEnvelope) != RequiredEnvelope || reader.Read())
        {
            return null;
        }

        return new PositionUpdate { Version = version, Session = session, Seq = seq, Position = position! };
    }

    private static PositionState? ReadPosition(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var seen = 0;
        var position = new PositionState();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Member(ref reader);
            if ((seen & member) != 0 || !reader.Read())
            {
                return null;
            }

            seen |= member;
            bool ok;
            switch (member)
            {
                case Ticket: ok = Long(ref reader, out var ticket); position.Ticket = ticket; break;
                case Identifier: ok = Long(ref reader, out var identifier); position.Identifier = identifier; break;
                case Symbol: ok = String(ref reader, out var symbol); position.Symbol = symbol; break;
                case Side: ok = ReadSide(ref reader, out var side); position.Side = side; break;
                case Volume: ok = Double(ref reader, out var volume); position.Volume = volume; break;
                case PriceOpen: ok = Double(ref reader, out var priceOpen); position.PriceOpen = priceOpen; break;
                case Sl: ok = Double(ref reader, out var sl); position.Sl = sl; break;
                case Tp: ok = Double(ref reader, out var tp); position.Tp = tp; break;
                case PriceCurrent: ok = Double(ref reader, out var priceCurrent); position.PriceCurrent = priceCurrent; break;
                case Profit: ok = Double(ref reader, out var profit); position.Profit = profit; break;
                case TimeMsc: ok = Long(ref reader, out var timeMsc); position.TimeMsc = timeMsc; break;
                case TimeUpdateMsc: ok = Long(ref reader, out var timeUpdateMsc); position.TimeUpdateMsc = timeUpdateMsc; break;
                case Magic: ok = Long(ref reader, out var magic); position.Magic = magic; break;
                case Comment: ok = String(ref reader, out var comment); position.Comment = comment; break;
                default: ok = reader.TrySkip(); break;
            }

            if (!ok)
            {
                return null;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && (seen & RequiredPosition) == RequiredPosition ? position : null;
    }

    // The wire names of PositionState (snake_case; its side is "type" on the wire, ProtocolJson.UseWireNames).
    private static int Member(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("ticket"u8) ? Ticket
        : reader.ValueTextEquals("identifier"u8) ? Identifier
        : reader.ValueTextEquals("symbol"u8) ? Symbol
        : reader.ValueTextEquals("type"u8) ? Side
        : reader.ValueTextEquals("volume"u8) ? Volume
        : reader.ValueTextEquals("price_open"u8) ? PriceOpen
        : reader.ValueTextEquals("sl"u8) ? Sl
        : reader.ValueTextEquals("tp"u8) ? Tp
        : reader.ValueTextEquals("price_current"u8) ? PriceCurrent
        : reader.ValueTextEquals("profit"u8) ? Profit
        : reader.ValueTextEquals("time_msc"u8) ? TimeMsc
        : reader.ValueTextEquals("time_update_msc"u8) ? TimeUpdateMsc
        : reader.ValueTextEquals("magic"u8) ? Magic
        : reader.ValueTextEquals("comment"u8) ? Comment
        : 0;

    private static bool Long(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    private static bool Double(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value);
    }

    private static bool String(ref Utf8JsonReader reader, out string value)
    {
        value = "";
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString()!;
        return true;
    }

    // As PositionSideJson reads it: exactly the wire name, as a string.
    private static bool ReadSide(ref Utf8JsonReader reader, out PositionSide side)
    {
        side = PositionSide.Buy;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueTextEquals("BUY"u8))
        {
            return true;
        }

        side = PositionSide.Sell;
        return reader.ValueTextEquals("SELL"u8);
    }
}
