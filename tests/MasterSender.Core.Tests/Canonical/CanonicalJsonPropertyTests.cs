using System.Globalization;
using System.Text;
using MasterSender.Core.Canonical;

namespace MasterSender.Core.Tests.Canonical;

/// <summary>Seeded random payloads: failures reproduce, and the seed is in the message.</summary>
public sealed class CanonicalJsonPropertyTests
{
    private const int Cases = 500;

    [Fact]
    public void CanonicalText_ParsesBackToTheSameText()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var payload = new PayloadGenerator(seed).Object(depth: 0);
            var text = CanonicalJson.Serialize(payload);

            Assert.True(text == CanonicalJson.Serialize(CanonicalJson.Parse(text)), $"seed {seed}: {text}");
        }
    }

    [Fact]
    public void CanonicalText_DoesNotDependOnInsertionOrder()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var payload = new PayloadGenerator(seed).Object(depth: 0);
            var shuffled = new Dictionary<string, object?>(payload.OrderBy(_ => Random.Shared.Next()));
            var reversed = new Dictionary<string, object?>(payload.Reverse());

            var expected = CanonicalJson.Serialize(payload);
            Assert.Equal(expected, CanonicalJson.Serialize(shuffled));
            Assert.Equal(expected, CanonicalJson.Serialize(reversed));
        }
    }

    [Fact]
    public void Doubles_RoundTripExactly()
    {
        var random = new Random(20261124);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToDouble(bits);
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = CanonicalJson.Serialize(value);
            var back = Assert.IsType<double>(CanonicalJson.Parse(text));
            Assert.True(BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(back), $"{value:R} → {text} → {back:R}");
            Assert.True(text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal), text);
        }
    }

    [Fact]
    public void Doubles_TypedWithFewDecimals_PrintWithNoMore()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var decimals = random.Next(1, 6);
            var value = Math.Round(0.001 + (random.NextDouble() * 1000), decimals);
            var text = CanonicalJson.Serialize(value);
            var fraction = text[(text.IndexOf('.', StringComparison.Ordinal) + 1)..];

            // Shortest round-trip digits: a price with n decimals never prints as 1.0850000000000002.
            Assert.True(fraction.Length <= decimals, $"{value.ToString("R", CultureInfo.InvariantCulture)} printed as {text}");
        }
    }

    private sealed class PayloadGenerator(int seed)
    {
        private readonly Random random = new(seed);

        public Dictionary<string, object?> Object(int depth)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            var count = random.Next(0, 8);
            for (var i = 0; i < count; i++)
            {
                map[Text()] = Value(depth + 1);
            }

            return map;
        }

        private object? Value(int depth) => random.Next(depth < 3 ? 9 : 7) switch
        {
            0 => null,
            1 => random.Next(2) == 0,
            2 => random.NextInt64(long.MinValue, long.MaxValue),
            3 => FiniteDouble(),
            4 => Math.Round(random.NextDouble() * 2000, random.Next(0, 6)),
            5 or 6 => Text(),
            7 => Object(depth),
            _ => Enumerable.Range(0, random.Next(0, 5)).Select(_ => Value(depth + 1)).ToList(),
        };

        private double FiniteDouble()
        {
            while (true)
            {
                var value = BitConverter.Int64BitsToDouble(random.NextInt64());
                if (double.IsFinite(value))
                {
                    return value;
                }
            }
        }

        private string Text()
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 6);
            for (var i = 0; i < length; i++)
            {
                builder.Append(random.Next(5) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => (char)random.Next(0xA0, 0xD7FF),
                    2 => char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)),
                    3 => "\"\\/",
                    _ => (char)random.Next(0x20, 0x7F),
                });
            }

            return builder.ToString();
        }
    }
}
