using MasterSender.Relay.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Relay.Demo;

/// <summary>
/// What `demo` adds to the real relay: a simulated terminal trading in a loop and, unless the user gave their own
/// API (Api:Url, Api:Username, Api:Password), a local sandbox API. The relay itself is the same as in `run`.
/// </summary>
public sealed class DemoSetup : IAsyncDisposable
{
    private readonly DemoSandbox? _sandbox;

    private DemoSetup(DemoSandbox? sandbox) => _sandbox = sandbox;

    public static async Task<DemoSetup> StartAsync(RelayCommand command)
    {
        var probe = new ConfigurationManager();
        RelayConfiguration.Apply(probe, command.ConfigurationArgs, DataPaths.DefaultDataFolder());
        var ownApi = !string.IsNullOrWhiteSpace(probe["Api:Url"]) && !string.IsNullOrWhiteSpace(probe["Api:Username"]) && !string.IsNullOrWhiteSpace(probe["Api:Password"]);
        return new DemoSetup(ownApi ? null : await DemoSandbox.StartAsync());
    }

    public void Configure(ConfigurationManager configuration)
    {
        // The demo runs beside a real relay if there is one: its own data folder (so its own lock) and EA port.
        configuration["Ingress:Port"] = "0";
        if (_sandbox is not null)
        {
            configuration["Api:Url"] = _sandbox.Url;
            configuration["Api:Username"] = DemoSandbox.DemoUser;
            configuration["Api:Password"] = _sandbox.Password;
        }
    }

    public void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<DemoTerminalService>();
    }

    public string Describe() => _sandbox is null
        ? "Demo: a simulated terminal trades on the account your API allows; signals go to your API."
        : $"Demo: a simulated terminal (account {DemoSandbox.DemoLogin}) trades every 1.5 s; signals go to a local sandbox API at {_sandbox.Url}, which verifies every signature.";

    public async ValueTask DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
