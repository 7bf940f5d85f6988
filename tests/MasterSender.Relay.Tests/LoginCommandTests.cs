using System.Diagnostics;
using MasterSender.Broadcast;
using MasterSender.Relay.Hosting;
using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Tests;

/// <summary>`login` and `logout` on a headless machine: the real exe, a password on stdin, a sandbox API on Kestrel.</summary>
public sealed class LoginCommandTests : IAsyncLifetime
{
    private const string User = "provider";
    private const string Password = "pa55-word-on-stdin";
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-login-").FullName;
    private readonly SandboxApiState _api = new() { Username = User, Password = Password, AllowedMt5Id = 5012345 };
    private WebApplication? _sandbox;

    private string ApiUrl => _sandbox!.Urls.First();

    public async Task InitializeAsync() => _sandbox = await SandboxHosting.StartOnLoopbackAsync(_api);

    public async Task DisposeAsync()
    {
        await _sandbox!.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log file may still be closing; the OS cleans temp.
        }
    }

    [Fact]
    public async Task Login_stores_a_protected_session_the_relay_then_uses_and_logout_forgets_it()
    {
        var login = await RunAsync("login", Password + "\n", $"--Api:Username={User}");

        Assert.Equal(0, login.ExitCode);
        Assert.Contains("Logged in as provider; this relay serves MT5 account 5012345", login.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, login.Output + login.Error, StringComparison.Ordinal);
        var stored = await File.ReadAllBytesAsync(Path.Combine(_folder, "session.dat"));
        var token = Assert.Single(_api.IssuedTokens);
        Assert.DoesNotContain(Password, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(token, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);

        Assert.Equal(5012345, await AllowedAccountAtStartAsync());

        var logout = await RunAsync("logout", string.Empty);
        Assert.Equal(0, logout.ExitCode);
        Assert.Contains("Logged out", logout.Output, StringComparison.Ordinal);
        Assert.Null(await AllowedAccountAtStartAsync(expectLogin: false));
    }

    [Fact]
    public async Task A_wrong_password_exits_1_with_the_servers_reason_and_stores_nothing()
    {
        var login = await RunAsync("login", "not-the-password\n", $"--Api:Username={User}");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("Login failed", login.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", login.Output + login.Error, StringComparison.Ordinal);
        Assert.Null(await AllowedAccountAtStartAsync(expectLogin: false));
    }

    /// <summary>Starts the relay as `run` does, with no credentials configured, and reads whom it serves.</summary>
    private async Task<long?> AllowedAccountAtStartAsync(bool expectLogin = true)
    {
        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = "0";
            configuration["Storage:Path"] = _folder;
            configuration["Api:Url"] = ApiUrl;
        });
        builder.Logging.ClearProviders();
        await using var relay = RelayApp.Build(builder);
        await relay.StartAsync();
        var session = relay.Services.GetRequiredService<ApiSession>();
        if (expectLogin)
        {
            var deadline = Stopwatch.StartNew();
            while (session.Current is null && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }
        }

        var allowed = session.HasCredentials ? session.Current?.Login : null;
        await relay.StopAsync();
        return allowed;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string verb, string stdin, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll"), verb, $"--Storage:Path={_folder}", $"--Api:Url={ApiUrl}" }.Concat(extra))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }
}
