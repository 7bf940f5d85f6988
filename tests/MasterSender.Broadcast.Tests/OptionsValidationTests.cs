using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Api:Url", "not a url", "Api:Url")]
    [InlineData("Api:Url", "http://api.example.com", "Api:AllowInsecureHttp")]
    [InlineData("Api:Url", "http://192.168.1.10:8000", "Api:AllowInsecureHttp")]
    [InlineData("Signals:MaxOpenAge", "-00:00:01", "Signals:MaxOpenAge")]
    [InlineData("Signals:MaxParallelDeliveries", "0", "Signals:MaxParallelDeliveries")]
    [InlineData("Storage:KeepHistory", "00:05:00", "Storage:KeepHistory")]
    public async Task BadSetting_StopsTheStart_WithAMessageNamingTheKey(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RelayHarness.StartAsync("http://127.0.0.1:1", settings: new() { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000", false)]
    [InlineData("http://localhost:8000", false)]
    [InlineData("http://[::1]:8000", false)]
    [InlineData("https://api.example.com", false)]
    [InlineData("http://api.example.com", true)]
    public void HttpIsInsecure_OnlyForAHostOtherThanThisMachine(string url, bool insecure) =>
        Assert.Equal(insecure, new ApiOptions { Url = url }.IsInsecure);

    [Fact]
    public async Task InsecureHttp_StartsOnlyWhenExplicitlyAllowed()
    {
        await using var relay = await RelayHarness.StartAsync("http://api.example.com", settings: new() { ["Api:AllowInsecureHttp"] = "true" });

        Assert.NotNull(relay.Session);
    }
}
