using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MasterSender.Core.Protocol;

/// <summary>Turns one frame into a typed message or a <see cref="ProtocolError"/> naming the field. Never throws.</summary>
/// <remarks>The EA writes <c>type</c> after <c>v</c>. The serializer's own polymorphic reading would then have to
/// scan every frame twice (its out-of-order metadata option) and would lose the path of a bad value, so the reader
/// finds <c>type</c> among the first members itself and lets the serializer read the record it names.</remarks>
public static class ProtocolReader
{
    public const int MaxSessionLength = 64;

    public static ParseResult<EaMessage> ReadEaMessage(ReadOnlySpan<byte> utf8Json)
    {
        if (!TryDeserialize(utf8Json, ProtocolJson.EaMessageTypes, fromEa: true, out EaMessage? message, out var error))
        {
            return ParseResult<EaMessage>.Fail(error);
        }

        var check = new FieldValidator();
        CheckEnvelope(new Envelope(message.Session, HasType: true, message.Version, message.Seq), check, fromEa: true);
        if (!check.Failed && message.Version != EaMessage.CurrentVersion)
        {
            return ParseResult<EaMessage>.Fail(Unsupported(message.Version) with { Session = message.Session, Type = TypeName(message) });
        }

        var applied = check.Failed ? message : message.Check(check);
        return check.Failed
            ? ParseResult<EaMessage>.Fail(InContext(check.Error(), message.Session, TypeName(message), message.Version))
            : ParseResult<EaMessage>.Ok(applied);

        static string TypeName(EaMessage message) => ProtocolJson.TypeName(ProtocolJson.EaMessageTypes, message.GetType());
    }

    public static ParseResult<RelayMessage> ReadRelayMessage(ReadOnlySpan<byte> utf8Json)
    {
        if (!TryDeserialize(utf8Json, ProtocolJson.RelayMessageTypes, fromEa: false, out RelayMessage? message, out var error))
        {
            return ParseResult<RelayMessage>.Fail(error);
        }

        var check = new FieldValidator();
        CheckEnvelope(new Envelope(message.Session, HasType: true, message.Version, Seq: null), check, fromEa: false);
        if (!check.Failed && message.Version != EaMessage.CurrentVersion)
        {
            return ParseResult<RelayMessage>.Fail(Unsupported(message.Version) with { Session = message.Session });
        }

        if (!check.Failed)
        {
            message.Check(check);
        }

        return check.Failed
            ? ParseResult<RelayMessage>.Fail(InContext(check.Error(), message.Session, ProtocolJson.TypeName(ProtocolJson.RelayMessageTypes, message.GetType()), message.Version))
            : ParseResult<RelayMessage>.Ok(message);
    }

    private static bool TryDeserialize<T>(ReadOnlySpan<byte> utf8Json, IReadOnlyList<MessageType> types, bool fromEa, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out ProtocolError? error)
        where T : class
    {
        message = null;
        Exception? failure = null;
        var type = TypeOf(utf8Json, types);
        if (type is not null)
        {
            try
            {
                message = JsonSerializer.Deserialize(utf8Json, type.Record) as T;
            }
            catch (Exception exception) when (exception is JsonException or NotSupportedException)
            {
                failure = exception;
            }
        }

        // The serializer names the field of a wrong type or bad JSON; a missing field, a missing or unknown type and
        // the envelope are found by reading the frame again (a malformed frame is rare; a good one pays nothing).
        error = message is null ? Explain(utf8Json, failure, type, types, fromEa) : null;
        return error is null;
    }

    /// <summary>The message type a frame names in its top-level <c>type</c>; null when it names none this side knows
    /// (or is no JSON object). Reads only up to <c>type</c>, which the EA writes second.</summary>
    private static MessageType? TypeOf(ReadOnlySpan<byte> utf8Json, IReadOnlyList<MessageType> types)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isType)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }

                    foreach (var type in types)
                    {
                        if (reader.ValueTextEquals(type.Utf8Name))
                        {
                            return type;
                        }
                    }

                    return null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static ProtocolError Explain(ReadOnlySpan<byte> utf8Json, Exception? failure, MessageType? known, IReadOnlyList<MessageType> types, bool fromEa)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException exception)
        {
            return FromSerializer(failure ?? exception);
        }

        using (document)
        {
            var json = document.RootElement;
            if (json.ValueKind != JsonValueKind.Object)
            {
                return new ProtocolError(ProtocolErrorKind.Malformed, "$", $"must be a JSON object, not {json.ValueKind.ToString().ToLowerInvariant()}");
            }

            var check = new FieldValidator();
            var session = Member(json, "session", JsonValueKind.String, check)?.GetString();
            var type = Member(json, "type", JsonValueKind.String, check)?.GetString();
            int? version = Member(json, "v", JsonValueKind.Number, check) is { } v ? v.TryGetInt32(out var number) ? number : -1 : null;
            long? seq = Member(json, "seq", JsonValueKind.Number, check) is { } s ? s.TryGetInt64(out var sequence) ? sequence : -1 : null;
            CheckEnvelope(new Envelope(session, json.TryGetProperty("type", out _), version, seq), check, fromEa);
            if (!check.Failed && version != EaMessage.CurrentVersion)
            {
                return Unsupported(version ?? 0) with { Session = session, Type = type };
            }

            if (!check.Failed)
            {
                if (known is null)
                {
                    check.Fail("type", $"unknown message type '{FieldValidator.Truncate(type ?? "")}'");
                }
                else if (MissingMember(json, known.Record, "") is { } missing)
                {
                    return InContext(new ProtocolError(ProtocolErrorKind.Malformed, missing, "is missing"), session, type, version);
                }
            }

            var error = check.Failed ? check.Error()
                : failure is not null ? FromSerializer(failure)
                : new ProtocolError(ProtocolErrorKind.Malformed, "$", "is not a message");
            return InContext(error, session, type, version);
        }
    }

    /// <summary>A top-level member of the given kind; a member of another kind is reported as the wrong type.</summary>
    private static JsonElement? Member(JsonElement json, string name, JsonValueKind kind, FieldValidator check)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != kind)
        {
            check.Fail(name, "has the wrong type");
            return null;
        }

        return value;
    }

    /// <summary>The first member the model requires that the JSON lacks, as a dotted path; the model's own metadata
    /// says what is required, so a new required field needs nothing here.</summary>
    private static string? MissingMember(JsonElement json, JsonTypeInfo type, string path)
    {
        foreach (var property in type.Properties)
        {
            var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (!json.TryGetProperty(property.Name, out var value))
            {
                if (property.IsRequired)
                {
                    return field;
                }

                continue;
            }

            var inner = ProtocolJson.TypeInfo(property.PropertyType);
            if (inner.Kind == JsonTypeInfoKind.Object && value.ValueKind == JsonValueKind.Object && MissingMember(value, inner, field) is { } nested)
            {
                return nested;
            }

            if (inner is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } elementType } && value.ValueKind == JsonValueKind.Array
                && ProtocolJson.TypeInfo(elementType) is { Kind: JsonTypeInfoKind.Object } element)
            {
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && MissingMember(item, element, $"{field}[{index}]") is { } missingInItem)
                    {
                        return missingInItem;
                    }

                    index++;
                }
            }
        }

        return null;
    }

    private static ProtocolError FromSerializer(Exception exception)
    {
        var path = (exception as JsonException)?.Path;
        return path is null or "$"
            ? new ProtocolError(ProtocolErrorKind.Malformed, "$", "is not a JSON object (" + FirstSentence(exception.Message) + ")")
            : new ProtocolError(ProtocolErrorKind.Malformed, path.TrimStart('$', '.'), "has the wrong type or is not valid JSON");
    }

    private static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private readonly record struct Envelope(string? Session, bool HasType, int? Version, long? Seq);

    /// <summary>The fields every message carries, in the order they are reported; relay → EA messages have no seq.</summary>
    private static void CheckEnvelope(Envelope envelope, FieldValidator check, bool fromEa)
    {
        if (envelope.Session is null)
        {
            check.Fail("session", "is missing");
        }
        else if (envelope.Session.Length == 0)
        {
            check.Fail("session", "must not be empty");
        }
        else
        {
            check.Text(envelope.Session, "session", MaxSessionLength);
        }

        if (!envelope.HasType)
        {
            check.Fail("type", "is missing");
        }

        if (envelope.Version is null)
        {
            check.Fail("v", "is missing");
        }

        if (fromEa && envelope.Seq is not >= 1)
        {
            check.Fail("seq", envelope.Seq is null ? "is missing" : "must be 1 or more");
        }
    }

    private static ProtocolError Unsupported(int version) =>
        new(ProtocolErrorKind.UnsupportedVersion, "v", $"version {version} is not supported (this relay speaks {EaMessage.CurrentVersion})")
        {
            Version = version,
        };

    private static ProtocolError InContext(ProtocolError error, string? session, string? type, int? version) =>
        error with { Session = string.IsNullOrEmpty(session) ? null : session, Type = type, Version = version };
}
