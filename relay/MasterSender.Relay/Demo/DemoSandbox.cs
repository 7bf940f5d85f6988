using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;

namespace MasterSender.Relay.Demo;

/// <summary>
/// The demo's stand-in for the central API: the real contract on its own Kestrel at 127.0.0.1, a free port,
/// checking every signature the way the seed's Python server would. The relay talks to it over real HTTP.
/// </summary>
public sealed class DemoSandbox : IAsyncDisposable
{
    public const long DemoLogin = 5012345;
    public const string DemoUser = "demo";

    private readonly WebApplication _app;

    private DemoSandbox(WebApplication app, SandboxApiState state, string password)
    {
        _app = app;
        State = state;
        Password = password;
    }

    public SandboxApiState State { get; }

    public string Password { get; }

    public string Url => _app.Urls.First();

    public static async Task<DemoSandbox> StartAsync()
    {
        // A fresh password per run: the sandbox is on loopback, but nothing guessable should open it.
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var state = new SandboxApiState { Username = DemoUser, Password = password, AllowedMt5Id = DemoLogin, Mt5Path = @"C:\Program Files\MetaTrader 5" };
        var app = await SandboxHosting.StartOnLoopbackAsync(state);
        return new DemoSandbox(app, state, password);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
