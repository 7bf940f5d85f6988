namespace MasterSender.Core.Protocol;

/// <summary>
/// Reads required/optional fields off the wire DTOs and remembers the first problem with its dotted path.
/// Validation stops being meaningful after the first error; callers check <see cref="Error"/> once at the end.
/// </summary>
internal sealed class FieldValidator
{
    public string? Error { get; private set; }
    public string ErrorField { get; private set; } = "";

    public bool Failed => Error is not null;

    public void Fail(string field, string problem)
    {
        if (Error is null)
        {
            Error = problem;
            ErrorField = field;
        }
    }

    public T Required<T>(T? value, string field)
        where T : struct
    {
        if (value is null)
        {
            Fail(field, "is missing");
            return default;
        }

        return value.Value;
    }

    public string RequiredText(string? value, string field, int maxLength = 256)
    {
        if (value is null)
        {
            Fail(field, "is missing");
            return "";
        }

        return Text(value, field, maxLength);
    }

    public string Text(string? value, string field, int maxLength = 256)
    {
        value ??= "";
        if (value.Length > maxLength)
        {
            Fail(field, $"is longer than {maxLength} characters");
        }

        return value;
    }

    public long Ticket(long? value, string field)
    {
        var ticket = Required(value, field);
        if (value is not null && ticket <= 0)
        {
            Fail(field, "must be a positive integer");
        }

        return ticket;
    }

    public long NonNegative(long? value, string field)
    {
        var number = value ?? 0;
        if (number < 0)
        {
            Fail(field, "must not be negative");
        }

        return number;
    }

    /// <summary>Prices and volumes: finite, and above (or at) zero as the protocol says.</summary>
    public double Positive(double? value, string field)
    {
        var number = Required(value, field);
        if (value is not null && !(double.IsFinite(number) && number > 0))
        {
            Fail(field, "must be a finite number above 0");
        }

        return number;
    }

    public double NonNegative(double? value, string field)
    {
        var number = value ?? 0;
        if (!(double.IsFinite(number) && number >= 0))
        {
            Fail(field, "must be a finite number of 0 or more");
        }

        return number;
    }

    public double Finite(double? value, string field)
    {
        var number = value ?? 0;
        if (!double.IsFinite(number))
        {
            Fail(field, "must be a finite number");
        }

        return number;
    }

    public TEnum Enum<TEnum>(string? wire, string field, TryParse<TEnum> parse)
        where TEnum : struct
    {
        if (wire is null)
        {
            Fail(field, "is missing");
            return default;
        }

        if (!parse(wire, out var value))
        {
            Fail(field, $"has unknown value '{Truncate(wire)}'");
        }

        return value;
    }

    internal static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    public delegate bool TryParse<TEnum>(string? wire, out TEnum value);
}
