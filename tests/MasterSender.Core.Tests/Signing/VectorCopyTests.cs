using System.Reflection;
using Xunit.Abstractions;

namespace MasterSender.Core.Tests.Signing;

/// <summary>
/// tests/test-vectors is a byte-for-byte copy of the reference vectors in ../shared/test-vectors (made outside this
/// repo). Where that folder exists beside the clone, the copy must still equal it; in a clone alone there is nothing to
/// compare with, and the test says so in its output.
/// </summary>
public sealed class VectorCopyTests(ITestOutputHelper output)
{
    private static string RepositoryRoot => typeof(VectorCopyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void InRepoVectors_EqualTheSharedOriginals_ByteForByte()
    {
        var copies = Path.Combine(RepositoryRoot, "tests", "test-vectors");
        var originals = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "test-vectors"));
        Assert.True(Directory.Exists(copies), $"{copies} is missing: the HMAC vectors belong in the repo.");
        if (!Directory.Exists(originals))
        {
            output.WriteLine($"Not compared: {originals} does not exist (a clone alone); the in-repo copy is used as it is.");
            return;
        }

        var originalNames = Directory.GetFiles(originals).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var copyNames = Directory.GetFiles(copies).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(originalNames, copyNames);
        foreach (var name in originalNames)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(originals, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(copies, name!))),
                $"tests/test-vectors/{name} differs from {originals}/{name}: copy it again byte for byte (cp), never edit it.");
        }
        output.WriteLine($"Compared {originalNames.Count} file(s) with {originals}: equal.");
    }
}
