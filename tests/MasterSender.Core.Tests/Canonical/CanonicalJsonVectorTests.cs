using MasterSender.Core.Canonical;
using MasterSender.Core.Tests.Signing;

namespace MasterSender.Core.Tests.Canonical;

public sealed class CanonicalJsonVectorTests
{
    [Fact]
    public void Reserialise_EveryVector_EqualsPythonsCanonicalText()
    {
        var vectors = HmacVector.Load();
        Assert.NotEmpty(vectors);
        foreach (var vector in vectors)
        {
            Assert.True(vector.Canonical.StartsWith(vector.Timestamp + ".", StringComparison.Ordinal), vector.Name);
            Assert.Equal(vector.CanonicalBody, CanonicalJson.Serialize(CanonicalJson.Parse(vector.PayloadJson)));
        }
    }
}
