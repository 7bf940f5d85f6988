namespace MasterSender.Core.Protocol;

public enum ProtocolErrorKind
{
    /// <summary>Not a valid message: bad JSON, a missing or mistyped field, an absurd value, an unknown type.</summary>
    Malformed,

    /// <summary>A well-formed envelope with a <c>v</c> this relay does not speak.</summary>
    UnsupportedVersion,
}

/// <summary>Why a frame was not a message, naming the field (dotted JSON path, e.g. <c>positions[3].volume</c>).</summary>
public sealed record ProtocolError(ProtocolErrorKind Kind, string Field, string Problem)
{
    /// <summary>The session id and type when the envelope could be read, so the relay can still answer.</summary>
    public string? Session { get; init; }
    public string? Type { get; init; }
    public int? Version { get; init; }

    public override string ToString() => $"{Field}: {Problem}";
}

/// <summary>Either a message or the reason there is none; never an exception.</summary>
public readonly record struct ParseResult<T>(T? Message, ProtocolError? Error)
    where T : class
{
    public bool IsOk => Message is not null;

    public static ParseResult<T> Ok(T message) => new(message, null);

    public static ParseResult<T> Fail(ProtocolError error) => new(null, error);
}
