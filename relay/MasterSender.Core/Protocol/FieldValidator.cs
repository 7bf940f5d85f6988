namespace MasterSender.Core.Protocol;

/// <summary>
/// The rules the serializer cannot check (ranges, lengths), applied by each record's <c>Check</c>; remembers the first
/// problem with its dotted path (<c>positions[3].volume</c>). The path is put together only when something fails, so
/// checking a large snapshot costs no strings.
/// </summary>
internal sealed class FieldValidator
{
    private string _scope = "";
    private int _index = -1;
    private string _field = "";
    private string? _problem;

    public bool Failed => _problem is not null;

    /// <summary>Names the following fields as members of <paramref name="scope"/> (of its item <paramref name="index"/>
    /// when it is a list), until the next call; <c>""</c> is the message itself.</summary>
    public FieldValidator In(string scope, int index = -1)
    {
        _scope = scope;
        _index = index;
        return this;
    }

    public FieldValidator Reset()
    {
        _problem = null;
        _field = "";
        return In("");
    }

    public ProtocolError Error() => new(ProtocolErrorKind.Malformed, _field, _problem ?? "is invalid");

    /// <summary>Records the problem unless an earlier one was found; <paramref name="name"/> <c>""</c> is the scope itself.</summary>
    public void Fail(string name, string problem)
    {
        if (_problem is not null)
        {
            return;
        }

        _problem = problem;
        var scope = _index < 0 ? _scope : $"{_scope}[{_index}]";
        _field = scope.Length == 0 ? name : name.Length == 0 ? scope : $"{scope}.{name}";
    }

    public void Text(string value, string name, int maxLength = 256)
    {
        if (value.Length > maxLength)
        {
            Fail(name, $"is longer than {maxLength} characters");
        }
    }

    public void Symbol(string value, string name)
    {
        Text(value, name, 64);
        if (value.Length == 0)
        {
            Fail(name, "must not be empty");
        }
    }

    public void Ticket(long value, string name)
    {
        if (value <= 0)
        {
            Fail(name, "must be a positive integer");
        }
    }

    public void NonNegative(long value, string name)
    {
        if (value < 0)
        {
            Fail(name, "must not be negative");
        }
    }

    /// <summary>Prices and volumes: finite, and above (or at) zero as the protocol says.</summary>
    public void Positive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            Fail(name, "must be a finite number above 0");
        }
    }

    public void NonNegative(double value, string name)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            Fail(name, "must be a finite number of 0 or more");
        }
    }

    public void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            Fail(name, "must be a finite number");
        }
    }

    internal static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
