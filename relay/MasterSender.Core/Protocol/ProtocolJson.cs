using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MasterSender.Core.Protocol;

/// <summary>
/// The wire's JSON, generated at compile time (the relay is AOT-compiled: no reflection): snake_case names, numbers
/// only as JSON numbers, no null where the protocol has a value, the enum values as the EA writes them, and the
/// message type as the <c>type</c> discriminator. Unknown properties are skipped: that is how the protocol grows.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true,
    Converters = [typeof(PositionSideJson), typeof(PendingOrderTypeJson), typeof(OrderTimeTypeJson), typeof(MarginModeJson)])]
[JsonSerializable(typeof(EaMessage))]
[JsonSerializable(typeof(RelayMessage))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;

internal static class ProtocolJson
{
    // PositionState and OrderState are also the book's stored rows (BookState), which keep the names they were
    // written with; these two wire names differ from them, so they are set here rather than by attributes.
    private static readonly JsonSerializerOptions Options = new(ProtocolJsonContext.Default.Options)
    {
        TypeInfoResolver = ProtocolJsonContext.Default.WithAddedModifier(UseWireNames),
    };

    public static JsonTypeInfo<EaMessage> EaMessage { get; } = (JsonTypeInfo<EaMessage>)Options.GetTypeInfo(typeof(EaMessage));

    public static JsonTypeInfo<RelayMessage> RelayMessage { get; } = (JsonTypeInfo<RelayMessage>)Options.GetTypeInfo(typeof(RelayMessage));

    /// <summary>Each EA → relay message's <c>type</c> and its record, from the <c>[JsonDerivedType]</c> list.</summary>
    public static IReadOnlyList<MessageType> EaMessageTypes { get; } = MessageTypes(EaMessage);

    public static IReadOnlyList<MessageType> RelayMessageTypes { get; } = MessageTypes(RelayMessage);

    public static JsonTypeInfo TypeInfo(Type type) => Options.GetTypeInfo(type);

    /// <summary>The <c>type</c> the wire gives a message of this class.</summary>
    public static string TypeName(IReadOnlyList<MessageType> types, Type type) => types.First(t => t.Record.Type == type).Name;

    private static MessageType[] MessageTypes(JsonTypeInfo root) =>
        [.. root.PolymorphismOptions!.DerivedTypes.Select(d => new MessageType((string)d.TypeDiscriminator!, TypeInfo(d.DerivedType)))];

    private static void UseWireNames(JsonTypeInfo info)
    {
        if (info.Type == typeof(PositionState))
        {
            Rename(info, "side", "type");
        }
        else if (info.Type == typeof(OrderState))
        {
            Rename(info, "price_stop_limit", "price_stoplimit");
        }
    }

    private static void Rename(JsonTypeInfo info, string from, string to) =>
        info.Properties.Single(p => p.Name == from).Name = to;
}

/// <summary>A value of <c>type</c> and the record it names; <see cref="Utf8Name"/> to compare without a string.</summary>
internal sealed record MessageType(string Name, JsonTypeInfo Record)
{
    public byte[] Utf8Name { get; } = System.Text.Encoding.UTF8.GetBytes(Name);
}

/// <summary>An enum as the wire names it (<see cref="WireNames"/>, the one list of those names), read exactly as the
/// EA writes it: no other casing, no numbers.</summary>
internal abstract class WireEnumConverter<TEnum>(Func<TEnum, string> wireName) : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private readonly (TEnum Value, JsonEncodedText Name)[] _names =
        [.. Enum.GetValues<TEnum>().Select(value => (value, JsonEncodedText.Encode(wireName(value))))];

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var (value, name) in _names)
            {
                if (reader.ValueTextEquals(name.EncodedUtf8Bytes))
                {
                    return value;
                }
            }
        }

        throw new JsonException($"not one of {string.Join(", ", _names.Select(n => n.Name.ToString()))}");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (candidate, name) in _names)
        {
            if (EqualityComparer<TEnum>.Default.Equals(candidate, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }

        throw new JsonException($"{typeof(TEnum).Name} {value} has no wire name");
    }
}

internal sealed class PositionSideJson() : WireEnumConverter<PositionSide>(WireNames.ToWire);

internal sealed class PendingOrderTypeJson() : WireEnumConverter<PendingOrderType>(WireNames.ToWire);

internal sealed class OrderTimeTypeJson() : WireEnumConverter<OrderTimeType>(WireNames.ToWire);

internal sealed class MarginModeJson() : WireEnumConverter<MarginMode>(WireNames.ToWire);
