using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Broadcast.Tests;

/// <summary>The sandbox API on real Kestrel, 127.0.0.1, a port the OS picks.</summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private SandboxServer(WebApplication app, SandboxApiState state, string url)
    {
        this.app = app;
        State = state;
        Url = url;
    }

    public SandboxApiState State { get; }

    public string Url { get; }

    public static async Task<SandboxServer> StartAsync(SandboxApiState? state = null)
    {
        state ??= new SandboxApiState();
        var app = await SandboxHosting.StartOnLoopbackAsync(state);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new SandboxServer(app, state, address);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
