using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;

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
        var state = new SandboxApiState { Username = User, Password = Password, AllowedMt5Id = Fixtures.Login };
        state.Faults.BroadcastDelay = broadcastDelay;
        var app = await SandboxHosting.StartOnLoopbackAsync(state);
        return new SandboxHost(app, state);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
