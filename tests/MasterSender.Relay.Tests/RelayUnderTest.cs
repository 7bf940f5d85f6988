using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using MasterSender.SandboxApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Tests;

/// <summary>The whole relay as `run` builds it (free ports, a temp data folder) and a sandbox API on real Kestrel.</summary>
internal sealed class RelayUnderTest : IAsyncDisposable
{
    public const string User = "provider";
    public const string Password = "s3cret-pass";
    public const long Login = 5012345;

    private readonly WebApplication _sandbox;
    private readonly string _folder;
    private bool _stopped;

    private RelayUnderTest(WebApplication relay, WebApplication sandbox, SandboxApiState api, string folder)
    {
        App = relay;
        _sandbox = sandbox;
        Api = api;
        _folder = folder;
    }

    public WebApplication App { get; }
    public SandboxApiState Api { get; }
    public string PageUrl => RelayRunner.PageUrl(App);
    public int PagePort => new Uri(PageUrl).Port;
    public string DataFolder => _folder;
    public string ApiUrl => _sandbox.Urls.First();
    public string EaEndpoint => $"tcp://127.0.0.1:{App.Services.GetRequiredService<IngressService>().Port}";

    public static async Task<RelayUnderTest> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("ms-relay-").FullName;
        var api = new SandboxApiState { Username = User, Password = Password, AllowedMt5Id = Login, Mt5Path = @"C:\Program Files\MetaTrader 5" };
        var sandbox = await SandboxHosting.StartOnLoopbackAsync(api);

        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = "0";
            configuration["Storage:Path"] = folder;
            configuration["Api:Url"] = sandbox.Urls.First();
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                configuration[key] = value;
            }
        });
        builder.Logging.ClearProviders();
        var relay = RelayApp.Build(builder);
        await relay.StartAsync();
        return new RelayUnderTest(relay, sandbox, api, folder);
    }

    /// <summary>Logs in as a browser on the page would (antiforgery token, same Origin); returns that browser.</summary>
    public async Task<HttpClient> LogInThroughThePageAsync()
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri(PageUrl) };
        var antiforgery = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<Dictionary<string, string>>(browser, "/api/antiforgery"))!["token"];
        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = System.Net.Http.Json.JsonContent.Create(new { username = User, password = Password }) };
        login.Headers.Add("Origin", $"http://127.0.0.1:{PagePort}");
        login.Headers.Add("X-CSRF-TOKEN", antiforgery);
        using var answer = await browser.SendAsync(login);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
        return browser;
    }

    /// <summary>Stops and disposes the relay (which flushes its logs), keeping the data folder to look at.</summary>
    public async Task StopRelayAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRelayAsync();
        await _sandbox.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Serilog's file sink may still hold the log for a moment; the temp folder is cleaned by the OS.
        }
    }
}
