using System.Text.Json;
using MasterSender.Ingress;
using MasterSender.Ingress.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Relay.Tests;

/// <summary>What /api/status says about the EA port: connections the front door refused, and ROUTER rebuilds.</summary>
public sealed class IngressStatusTests
{
    [Fact]
    public async Task A_refused_connection_is_counted_with_its_cause_in_the_status()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        using var page = new HttpClient { BaseAddress = new Uri(relay.PageUrl) };
        var port = relay.App.Services.GetRequiredService<IngressService>().Port;
        using var chooser = new RawZmtpClient();
        await chooser.ConnectAsync(port);
        await chooser.SendAsync(RawZmtpClient.Greeting());
        await chooser.ReceiveExactlyAsync(64);
        await chooser.SendAsync(RawZmtpClient.ReadyCommand(identity: [0, 9, 9, 9, 9]));
        Assert.True(await chooser.IsClosedByPeerAsync());

        using var status = JsonDocument.Parse(await page.GetStringAsync("/api/status"));
        var ingress = status.RootElement.GetProperty("ingress");

        Assert.Equal(1, ingress.GetProperty("connections_refused").GetInt64());
        Assert.StartsWith("IdentityRefused", ingress.GetProperty("last_connection_refusal").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, ingress.GetProperty("socket_restarts").GetInt64());
        Assert.Equal(JsonValueKind.Null, ingress.GetProperty("last_socket_error").ValueKind);
    }
}
