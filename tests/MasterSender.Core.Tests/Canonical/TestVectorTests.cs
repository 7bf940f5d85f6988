using System.Text.Json;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signing;

namespace MasterSender.Core.Tests.Canonical;

/// <summary>../shared/test-vectors/hmac-canonical.json, made by Python's standard library with the seed's snippet.</summary>
public class TestVectorTests
{
    public sealed record Vector(string Name, string Token, string Timestamp, string PayloadJson, string Canonical, string Signature)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Vector> Vectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "hmac-canonical.json");
        // A missing file must fail the run, not shrink it to nothing.
        Assert.True(File.Exists(path), $"test vectors not found at {path}: they come from ../shared/test-vectors");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var data = new TheoryData<Vector>();
        foreach (var v in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            data.Add(new Vector(
                v.GetProperty("name").GetString()!,
                v.GetProperty("token").GetString()!,
                v.GetProperty("timestamp").GetString()!,
                v.GetProperty("payload_json").GetString()!,
                v.GetProperty("canonical").GetString()!,
                v.GetProperty("signature").GetString()!));
        }

        Assert.True(data.Count >= 40, $"expected the 40 published vectors, found {data.Count}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_canonical_text_matches_Python(Vector vector)
    {
        var canonical = CanonicalJson.Serialize(CanonicalJson.Parse(vector.PayloadJson));

        Assert.Equal(vector.Canonical, vector.Timestamp + "." + canonical);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_signature_matches_Python(Vector vector)
    {
        var body = vector.Canonical[(vector.Timestamp.Length + 1)..];

        Assert.Equal(vector.Signature, SignalSigner.Signature(vector.Token, vector.Timestamp, body));
        Assert.True(SignalSigner.Verify(vector.Token, vector.Timestamp, body, vector.Signature));
        Assert.False(SignalSigner.Verify(vector.Token + "x", vector.Timestamp, body, vector.Signature));
    }
}
