using System.Net.Http.Json;
using System.Text.Json;
using MasterSender.SandboxApi;

namespace MasterSender.Relay.Tests;

/// <summary>A relay that cannot start must say why in one line, on stderr and in its log file, and exit with the
/// documented code: started hidden at logon, the log file is all anyone sees.</summary>
public sealed class StartFailureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-start-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The log may still be closing; the OS cleans temp.
        }
    }

    [Fact]
    public async Task Login_without_an_API_URL_exits_4_with_one_line_naming_the_key_also_in_the_log_file()
    {
        using var relay = RelayProcess.Start(
            ["login", $"--Storage:Path={_folder}"],
            new Dictionary<string, string?> { ["MasterSender__Api__Url"] = null });

        var exitCode = await relay.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(4, exitCode);
        var error = relay.Error.Trim();
        Assert.StartsWith("Could not start: Api:Url is not set", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        var log = string.Concat(Directory.GetFiles(Path.Combine(_folder, "logs"), "relay-*.log").Select(File.ReadAllText));
        Assert.Contains("Could not start: Api:Url is not set", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_exits_4_with_one_line_naming_the_key_also_in_the_log_file()
    {
        using var relay = RelayProcess.Start(["run", "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}", "--Api:Url=http://signals.example.invalid"]);

        var exitCode = await relay.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(4, exitCode);
        var error = relay.Error.Trim();
        Assert.StartsWith("Could not start: Api:Url is http:// to signals.example.invalid", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        var log = string.Concat(Directory.GetFiles(Path.Combine(_folder, "logs"), "relay-*.log").Select(File.ReadAllText));
        Assert.Contains("Api:AllowInsecureHttp", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_an_API_URL_starts_and_the_page_sets_it_then_the_relay_restarts_using_it()
    {
        var api = new SandboxApiState();
        await using var sandbox = await SandboxHosting.StartOnLoopbackAsync(api);
        using var relay = RelayProcess.Start(
            ["run", "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}"],
            new Dictionary<string, string?> { ["MasterSender__Api__Url"] = null });
        var page = await relay.WaitUntilRunningAsync(1);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri(page) };
        Assert.Equal("", (await browser.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("api").GetProperty("url").GetString());

        var antiforgery = (await browser.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString()!;
        using var save = new HttpRequestMessage(HttpMethod.Post, "/api/settings/api-url") { Content = JsonContent.Create(new { url = sandbox.Urls.First() }) };
        save.Headers.Add("Origin", page.TrimEnd('/'));
        save.Headers.Add("X-CSRF-TOKEN", antiforgery);
        using var saved = await browser.SendAsync(save);
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.StatusCode);

        var restarted = await relay.WaitUntilRunningAsync(2);
        using var again = new HttpClient { BaseAddress = new Uri(restarted) };
        Assert.Equal(sandbox.Urls.First(), (await again.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("api").GetProperty("url").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "settings.json")));
        }
    }
}
