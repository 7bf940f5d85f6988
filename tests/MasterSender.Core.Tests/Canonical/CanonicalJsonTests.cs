using System.Numerics;
using MasterSender.Core.Canonical;

namespace MasterSender.Core.Tests.Canonical;

public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(123456789012345680.0, "1.2345678901234568e+17")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(100.0, "100.0")]
    [InlineData(1.23e-7, "1.23e-07")]
    [InlineData(2.5e100, "2.5e+100")]
    [InlineData(151.234, "151.234")]
    public void Serialize_Double_IsPythonRepr(double value, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Serialize(value));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Serialize_NonFinite_Throws(double value)
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new Dictionary<string, object?> { ["x"] = value }));
    }

    [Fact]
    public void Serialize_Integers_AreIntegers()
    {
        var payload = new Dictionary<string, object?>
        {
            ["a"] = long.MinValue,
            ["b"] = ulong.MaxValue,
            ["c"] = 7,
            ["d"] = BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Equal("{\"a\":-9223372036854775808,\"b\":18446744073709551615,\"c\":7,\"d\":123456789012345678901234567890}", CanonicalJson.Serialize(payload));
    }

    [Fact]
    public void Serialize_Strings_EscapeLikeEnsureAscii()
    {
        var text = "q\"b\\n\nr\rt\tb\bf\f\u0001\u007f é€😀";

        Assert.Equal("\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u007f \\u00e9\\u20ac\\ud83d\\ude00\"", CanonicalJson.Serialize(text));
    }

    [Fact]
    public void Serialize_Keys_SortByCodePointNotUtf16Unit()
    {
        // U+FF21 sorts before U+1F600 by code point, but after its surrogate 0xD83D by UTF-16 unit.
        var payload = new Dictionary<string, object?> { ["😀"] = 1L, ["Ａ"] = 2L, ["a"] = 3L, ["B"] = 4L };

        Assert.Equal("{\"B\":4,\"a\":3,\"\\uff21\":2,\"\\ud83d\\ude00\":1}", CanonicalJson.Serialize(payload));
    }

    [Fact]
    public void Serialize_NestedObjectsAndArrays()
    {
        var payload = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["z"] = new List<object?> { 1L, 2.0, "x", null, true, false, new Dictionary<string, object?> { ["b"] = 1L, ["a"] = 0.5 } },
            ["m"] = new Dictionary<string, object?>(),
            ["e"] = Array.Empty<object?>(),
        };

        Assert.Equal("{\"e\":[],\"m\":{},\"z\":[1,2.0,\"x\",null,true,false,{\"a\":0.5,\"b\":1}]}", CanonicalJson.Serialize(payload));
    }

    [Fact]
    public void Parse_TypesNumbersAsPythonDoes()
    {
        var parsed = (IReadOnlyDictionary<string, object?>)CanonicalJson.Parse("{\"i\":1,\"f\":1.0,\"e\":1e2,\"E\":2E-3,\"big\":123456789012345678901234567890,\"n\":-0}")!;

        Assert.IsType<long>(parsed["i"]);
        Assert.IsType<double>(parsed["f"]);
        Assert.Equal(100.0, Assert.IsType<double>(parsed["e"]));
        Assert.Equal(0.002, Assert.IsType<double>(parsed["E"]));
        Assert.IsType<BigInteger>(parsed["big"]);
        Assert.Equal(0L, parsed["n"]);
    }

    [Fact]
    public void Parse_DuplicateKey_LastWins()
    {
        Assert.Equal("{\"a\":2}", CanonicalJson.Serialize(CanonicalJson.Parse("{\"a\":1,\"a\":2}")));
    }

    [Fact]
    public void Parse_Malformed_Throws()
    {
        Assert.ThrowsAny<Exception>(() => CanonicalJson.Parse("{\"a\":"));
    }
}
