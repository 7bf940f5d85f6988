using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Broadcast.Tests;

/// <summary>The sandbox API on real Kestrel, 127.0.0.1, a free port.</summary>
internal sealed class SandboxServer : IAsyncDisposable
{
    public const string User = "provider";
    public const string Password = "correct horse battery staple";
    public const long AllowedLogin = 5012345;

    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxApiState state)
    {
        _app = app;
        State = state;
    }

    public SandboxApiState State { get; }

    public string Url => _app.Urls.First();

    public static async Task<SandboxServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var state = new SandboxApiState(User, Password, AllowedLogin, @"C:\Program Files\MetaTrader 5");
        app.MapSandboxApi(state);
        await app.StartAsync();
        return new SandboxServer(app, state);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
