namespace MasterSender.Core.Canonical;

/// <summary>Orders strings by Unicode code point, as Python sorts str keys. Ordinal UTF-16 order differs for
/// characters above U+FFFF against U+E000–U+FFFF; lone surrogates compare by their own value, as in Python.</summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

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

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            var a = Next(x, ref i);
            var b = Next(y, ref j);
            if (a != b)
            {
                return a.CompareTo(b);
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int Next(string text, ref int index)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            index += 2;
            return char.ConvertToUtf32(c, text[index - 1]);
        }

        index++;
        return c;
    }
}
