namespace MasterSender.Core.Canonical;

/// <summary>
/// Orders strings by Unicode code point, as Python sorts <c>str</c>. Ordinal UTF-16 order differs only where a
/// surrogate (a character above U+FFFF) meets U+E000..U+FFFF: the surrogate must sort after.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Rank(x[i]).CompareTo(Rank(y[i]));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <summary>Moves surrogates above every other BMP unit, keeping all other units in their order.</summary>
    private static int Rank(char unit) => unit switch
    {
        >= '\uE000' => unit - 0x800,
        >= '\uD800' => unit + 0x2000,
        _ => unit,
    };
}
