using System.Numerics;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using MasterSender.Core.Signing;

namespace MasterSender.Core.Tests.Canonical;

public class CanonicalJsonTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789012345680.0, "1.2345678901234568e+17")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(-2.5e-05, "-2.5e-05")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1.5e-07, "1.5e-07")]
    [InlineData(9007199254740993.0, "9007199254740992.0")]
    public void Floats_print_as_Python_repr(double value, string expected)
    {
        Assert.Equal(expected, PythonFloat.Repr(value));
    }

    [Fact]
    public void NaN_and_infinity_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(double.NaN));
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(double.PositiveInfinity));
    }

    [Fact]
    public void Keys_sort_by_code_point_not_by_UTF16_unit()
    {
        // U+1F600 (a surrogate pair in UTF-16) sorts after U+FB01 by code point, before it by UTF-16 unit.
        var map = new Dictionary<string, object?> { ["\U0001F600"] = 1L, ["\uFB01"] = 2L, ["a"] = 3L, ["B"] = 4L };

        Assert.Equal("{\"B\":4,\"a\":3,\"\\ufb01\":2,\"\\ud83d\\ude00\":1}", CanonicalJson.Serialize(map));
    }

    [Fact]
    public void Strings_escape_like_ensure_ascii()
    {
        Assert.Equal("\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\fc\\u0001d\\u007fe\\u00e9\"", CanonicalJson.Serialize("q\"b\\n\nr\rt\tb\bf\fc\u0001d\u007fe\u00e9"));
    }

    [Fact]
    public void Integers_stay_integers_however_large()
    {
        Assert.Equal("[1,-7,9007199254740993,18446744073709551615,123456789012345678901234567890]",
            CanonicalJson.Serialize(new object[] { 1, -7L, 9007199254740993L, ulong.MaxValue, BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public void A_signal_payload_is_canonical_and_signed_with_a_fresh_timestamp()
    {
        var signal = new Signal
        {
            IdempotencyKey = "5012345-P1-1", Action = SignalAction.Open, MasterLogin = 5012345, MasterTicket = 1, Symbol = "EURUSD",
            Type = "BUY", Volume = 1, Price = 1.085, Sl = 0, Tp = 0, DetectedAtMs = 1,
        };
        var body = CanonicalJson.Serialize(signal.ToPayload());

        var signed = SignalSigner.Sign("token", body, DateTimeOffset.FromUnixTimeMilliseconds(1_732_500_780_963));

        Assert.StartsWith("{\"action\":\"OPEN\",\"comment\":\"\",\"detected_at_msc\":1,", body, StringComparison.Ordinal);
        Assert.Contains("\"volume\":1.0", body, StringComparison.Ordinal);
        Assert.Contains("\"sl\":0.0", body, StringComparison.Ordinal);
        Assert.Equal("1732500780963", signed.Timestamp);
        Assert.Equal(SignalSigner.Signature("token", "1732500780963", body), signed.Signature);
    }

    [Fact]
    public void Random_payloads_parse_back_to_the_same_values_and_ignore_insertion_order()
    {
        var random = new Random(4242);
        for (var i = 0; i < 2_000; i++)
        {
            var payload = RandomObject(random, depth: 0);
            var text = CanonicalJson.Serialize(payload);

            var reparsed = CanonicalJson.Parse(text);
            var shuffled = new Dictionary<string, object?>(payload.OrderBy(_ => random.Next()));

            Assert.Equal(text, CanonicalJson.Serialize(reparsed));
            Assert.Equal(text, CanonicalJson.Serialize(shuffled));
            AssertSameValues(payload, reparsed);
        }
    }

    private static void AssertSameValues(object? expected, object? actual)
    {
        switch (expected)
        {
            case Dictionary<string, object?> map:
                var other = Assert.IsType<Dictionary<string, object?>>(actual);
                Assert.Equal(map.Keys.Order(StringComparer.Ordinal), other.Keys.Order(StringComparer.Ordinal));
                foreach (var (key, value) in map)
                {
                    AssertSameValues(value, other[key]);
                }

                break;
            case List<object?> list:
                var items = Assert.IsType<List<object?>>(actual);
                Assert.Equal(list.Count, items.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    AssertSameValues(list[i], items[i]);
                }

                break;
            case double number:
                // Bit-exact, -0.0 included.
                Assert.Equal(BitConverter.DoubleToInt64Bits(number), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(actual)));
                break;
            default:
                Assert.Equal(expected?.GetType(), actual?.GetType());
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static Dictionary<string, object?> RandomObject(Random random, int depth)
    {
        var map = new Dictionary<string, object?>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            map[RandomString(random)] = RandomValue(random, depth + 1);
        }

        return map;
    }

    private static object? RandomValue(Random random, int depth) => random.Next(depth < 3 ? 9 : 7) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => RandomString(random),
        3 => random.NextInt64(long.MinValue, long.MaxValue),
        4 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 0.5,
        5 => Math.Round(random.NextDouble() * 1000, random.Next(0, 8)),
        6 => random.Next(-1000, 1000) / 8.0,
        7 => RandomObject(random, depth),
        _ => Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToList(),
    };

    private static string RandomString(Random random)
    {
        var chars = new char[random.Next(0, 8)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => (char)random.Next(0x20, 0x7F),
                2 => (char)random.Next(0xA0, 0xD7FF),
                _ => (char)random.Next(0x61, 0x7B),
            };
        }

        return new string(chars);
    }
}
