using MasterSender.Broadcast;
using MasterSender.Relay.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Mql5.Tests;

/// <summary>The real relay, composed as `run` composes it, in the test's process, logged in to a sandbox API.</summary>
internal static class RelayInProcess
{
    /// <summary>Starts the relay over <paramref name="folder"/> on <paramref name="ingressPort"/> ("0": any free port)
    /// and returns once it has logged in (polled with a deadline: the session raises no event a test can await here).
    /// MS_TEST_LOG=1 keeps its console log.</summary>
    public static async Task<WebApplication> StartLoggedInAsync(string folder, string apiUrl, string ingressPort = "0")
    {
        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = ingressPort;
            configuration["Storage:Path"] = folder;
            configuration["Api:Url"] = apiUrl;
            configuration["Api:Username"] = "provider";
            configuration["Api:Password"] = "pw";
        });
        if (Environment.GetEnvironmentVariable("MS_TEST_LOG") != "1")
        {
            builder.Logging.ClearProviders();
        }

        var relay = RelayApp.Build(builder);
        await relay.StartAsync();
        var session = relay.Services.GetRequiredService<ApiSession>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (session.Current is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the relay did not log in to the sandbox API within 30 s");
            await Task.Delay(10);
        }

        return relay;
    }
}
