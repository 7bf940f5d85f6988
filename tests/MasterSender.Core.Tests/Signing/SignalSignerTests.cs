using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using MasterSender.Core.Signing;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Core.Tests.Signing;

public sealed class SignalSignerTests
{
    [Fact]
    public void Vectors_AreFoundAndNotEmpty()
    {
        Assert.NotEmpty(HmacVector.Load());
    }

    [Fact]
    public void Sign_EveryVector_GivesPythonsSignature()
    {
        foreach (var vector in HmacVector.Load())
        {
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(vector.Timestamp, System.Globalization.CultureInfo.InvariantCulture)));
            var payload = (IReadOnlyDictionary<string, object?>)CanonicalJson.Parse(vector.PayloadJson)!;

            var signed = new SignalSigner(time).Sign(payload, vector.Token);

            Assert.Equal(vector.Timestamp, signed.Timestamp);
            Assert.Equal(vector.CanonicalBody, signed.Body);
            Assert.True(vector.Signature == signed.Signature, $"{vector.Name}: signature differs");
        }
    }

    [Fact]
    public void Verify_RejectsATamperedBody()
    {
        var vector = HmacVector.Load()[0];
        Assert.True(SignalSigner.Verify(vector.Token, vector.Timestamp, vector.CanonicalBody, vector.Signature));
        Assert.False(SignalSigner.Verify(vector.Token, vector.Timestamp, vector.CanonicalBody + " ", vector.Signature));
        Assert.False(SignalSigner.Verify("other", vector.Timestamp, vector.CanonicalBody, vector.Signature));
    }

    [Fact]
    public void Sign_UsesTheClockForEveryAttempt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var signer = new SignalSigner(time);
        var payload = SampleSignal().ToPayload();

        var first = signer.Sign(payload, "tok");
        time.Advance(TimeSpan.FromMilliseconds(5));
        var second = signer.Sign(payload, "tok");

        Assert.Equal("1700000000000", first.Timestamp);
        Assert.Equal("1700000000005", second.Timestamp);
        Assert.Equal(first.Body, second.Body);
        Assert.NotEqual(first.Signature, second.Signature);
    }

    [Fact]
    public void Signal_Payload_IsCanonicalAndParsesBack()
    {
        // The payload is written in its own order (already code-point sorted); the parsed copy goes through sorting.
        var body = CanonicalJson.Serialize((SampleSignal() with { Comment = "café \"q\" \\", Magic = -7 }).ToPayload());

        Assert.StartsWith("{\"action\":\"OPEN\",\"comment\":\"caf\\u00e9 \\\"q\\\" \\\\\",", body, StringComparison.Ordinal);
        Assert.Contains("\"magic\":-7,", body, StringComparison.Ordinal);
        Assert.Equal(body, CanonicalJson.Serialize(CanonicalJson.Parse(body)));
    }

    private static Signal SampleSignal() => new()
    {
        IdempotencyKey = "5001-P42-1",
        Action = SignalAction.Open,
        MasterLogin = 5001,
        MasterTicket = 42,
        Symbol = "EURUSD",
        Type = "BUY",
        Volume = 0.1,
        Price = 1.08512,
        Sl = 0,
        Tp = 1.1,
        DetectedAtMs = 1_700_000_000_000,
        Comment = "café",
    };
}
