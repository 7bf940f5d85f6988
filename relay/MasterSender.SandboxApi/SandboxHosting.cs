using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.SandboxApi;

/// <summary>Runs the sandbox API on its own Kestrel, on a free port of 127.0.0.1: for the demo, the tests and the bench.</summary>
public static class SandboxHosting
{
    /// <summary>Started and listening; its address is <c>Urls.First()</c>. Dispose it to stop it.</summary>
    public static async Task<WebApplication> StartOnLoopbackAsync(SandboxApiState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SandboxJsonContext.Default));
        var app = builder.Build();
        app.MapSandboxApi(state);
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }
}
