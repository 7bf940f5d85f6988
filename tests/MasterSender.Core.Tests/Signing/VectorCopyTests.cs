using System.Reflection;
using System.Security.Cryptography;

namespace MasterSender.Core.Tests.Signing;

/// <summary>
/// tests/test-vectors holds reference vectors made outside this project (Python's standard library), copied byte for
/// byte; tests/test-vectors/SHA256SUMS records each original's SHA-256 as taken when it was copied (`sha256sum *` in the
/// originals' folder). The copy is checked against those digests, so a clone alone can tell an edited vector from the
/// original: the HMAC tests would otherwise follow an edit without noticing.
/// </summary>
public sealed class VectorCopyTests
{
    private static string Vectors => Path.Combine(
        typeof(VectorCopyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "tests", "test-vectors");

    [Fact]
    public void InRepoVectors_HaveTheOriginalsDigests_AndNoneIsUnlisted()
    {
        var recorded = File.ReadAllLines(Path.Combine(Vectors, "SHA256SUMS"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        Assert.NotEmpty(recorded);

        var files = Directory.GetFiles(Vectors).Select(Path.GetFileName).Where(name => name != "SHA256SUMS").Order(StringComparer.Ordinal);
        Assert.Equal(recorded.Keys.Order(StringComparer.Ordinal), files);
        foreach (var (name, digest) in recorded)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Vectors, name))));
            Assert.True(digest == actual, $"tests/test-vectors/{name} is not the original (SHA-256 {actual}, recorded {digest}): copy it again byte for byte, never edit it.");
        }
    }
}
