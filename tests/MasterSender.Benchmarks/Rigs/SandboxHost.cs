using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>The sandbox signal API on a loopback Kestrel port, serving the bench's account.</summary>
internal sealed class SandboxHost : IAsyncDisposable
{
    public const string User = "bench";
    public const string Password = "bench";

    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, SandboxApiState state)
    {
        _app = app;
        State = state;
    }

    public SandboxApiState State { get; }

    public string Url => _app.Urls.First();

    public static async Task<SandboxHost> StartAsync(TimeSpan broadcastDelay = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var state = new SandboxApiState { Username = User, Password = Password, AllowedMt5Id = Fixtures.Login };
        state.Faults.BroadcastDelay = broadcastDelay;
        app.MapSandboxApi(state);
        await app.StartAsync();
        return new SandboxHost(app, state);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
