using System.Text.Json;

namespace MasterSender.Core.Tests.Signing;

/// <summary>The vectors made by Python's standard library (tests/test-vectors), read as they are from the test output folder.</summary>
public sealed record HmacVector(string Name, string Token, string Timestamp, string PayloadJson, string Canonical, string Signature)
{
    public string CanonicalBody => Canonical[(Timestamp.Length + 1)..];

    public override string ToString() => Name;

    public static IReadOnlyList<HmacVector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "hmac-canonical.json");
        Assert.True(File.Exists(path), $"Test vectors missing at {path}: the build copies them from tests/test-vectors.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("vectors").EnumerateArray().Select(v => new HmacVector(
            v.GetProperty("name").GetString()!,
            v.GetProperty("token").GetString()!,
            v.GetProperty("timestamp").GetString()!,
            v.GetProperty("payload_json").GetString()!,
            v.GetProperty("canonical").GetString()!,
            v.GetProperty("signature").GetString()!)).ToList();
    }
}
