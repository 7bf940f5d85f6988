using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Api:Url", "not a url", "Api:Url")]
    [InlineData("Signals:MaxOpenAge", "-00:00:01", "Signals:MaxOpenAge")]
    [InlineData("Signals:MaxParallelDeliveries", "0", "Signals:MaxParallelDeliveries")]
    [InlineData("Storage:KeepHistory", "00:05:00", "Storage:KeepHistory")]
    public async Task BadSetting_StopsTheStart_WithAMessageNamingTheKey(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RelayHarness.StartAsync("http://127.0.0.1:1", settings: new() { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
