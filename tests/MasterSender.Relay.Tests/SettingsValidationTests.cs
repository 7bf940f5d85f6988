using MasterSender.Relay.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Relay.Tests;

/// <summary>Every section is checked the same way at start: a bad value stops the relay with a message naming its key.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Status:Port", "70000")]
    [InlineData("Ingress:Port", "-1")]
    [InlineData("Ingress:MaxConnections", "0")]
    [InlineData("Ingress:MaxFrameBytes", "10")]
    [InlineData("Ingress:TerminalTimeout", "00:00:00")]
    [InlineData("Ingress:HeartbeatInterval", "-00:00:01")]
    [InlineData("Ingress:HandshakeTimeout", "01:00:00")]
    [InlineData("Api:BreakDuration", "00:00:00")]
    [InlineData("Signals:MaxParallelDeliveries", "1000")]
    [InlineData("Storage:KeepHistory", "00:01:00")]
    public async Task A_bad_value_in_any_section_stops_the_start_naming_its_key(string key, string value)
    {
        var folder = Directory.CreateTempSubdirectory("ms-settings-").FullName;

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
            {
                configuration["Status:Port"] = "0";
                configuration["Ingress:Port"] = "0";
                configuration["Storage:Path"] = folder;
                configuration[key] = value;
            });
            builder.Logging.ClearProviders();
            await using var relay = RelayApp.Build(builder);
            await relay.StartAsync();
        });

        Assert.Contains(key, string.Join(" ", failure.Failures), StringComparison.Ordinal);
    }
}
