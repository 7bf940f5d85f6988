using System.Net.Http.Json;
using System.Text;
using MasterSender.Relay.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Tests;

/// <summary>What a copy of the data folder gives away (issue 12, item 6): never the password, on real files.</summary>
public sealed class DataFolderSecretsTests
{
    [Fact]
    public async Task A_copy_of_the_data_folder_with_its_key_ring_does_not_give_the_password_and_the_session_file_is_0600()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        (await relay.LogInThroughThePageAsync()).Dispose();
        await relay.StopRelayAsync();

        // An attacker with the folder: the key ring is in keys/ beside session.dat (unencrypted on Linux).
        var session = Path.Combine(relay.DataFolder, "session.dat");
        var protector = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(relay.DataFolder, "keys")), b => b.SetApplicationName("MasterSender"))
            .CreateProtector("MasterSender.ApiSession.v1");
        var decrypted = protector.Unprotect(await File.ReadAllTextAsync(session));
        Assert.Contains(RelayUnderTest.User, decrypted, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayUnderTest.Password, decrypted, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(relay.DataFolder, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(RelayUnderTest.Password, Encoding.UTF8.GetString(ReadShared(file)), StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(session));
        }
    }

    [Fact]
    public async Task After_a_restart_a_stored_token_the_API_no_longer_takes_asks_for_a_new_login_on_the_page()
    {
        await using var relay = await RelayUnderTest.StartAsync();
        (await relay.LogInThroughThePageAsync()).Dispose();
        await relay.StopRelayAsync();
        relay.Api.ExpireTokens();

        var builder = RelayApp.CreateBuilder(new RelayCommand(RelayVerb.Run, []), configuration =>
        {
            configuration["Status:Port"] = "0";
            configuration["Ingress:Port"] = "0";
            configuration["Storage:Path"] = relay.DataFolder;
            configuration["Api:Url"] = relay.ApiUrl;
        });
        builder.Logging.ClearProviders();
        await using var restarted = RelayApp.Build(builder);
        await restarted.StartAsync();
        using var page = new HttpClient { BaseAddress = new Uri(RelayRunner.PageUrl(restarted)) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        System.Text.Json.JsonElement api;
        do
        {
            var status = await page.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/status");
            api = status.GetProperty("api");
            await Task.Delay(20);
        }
        while (api.GetProperty("last_error").ValueKind == System.Text.Json.JsonValueKind.Null && DateTime.UtcNow < deadline);

        Assert.False(api.GetProperty("logged_in").GetBoolean());
        Assert.Contains("log in again", api.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(RelayUnderTest.User, api.GetProperty("username").GetString());
        await restarted.StopAsync();
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
