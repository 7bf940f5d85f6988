using System.Globalization;

namespace MasterSender.Relay.Tests;

/// <summary>
/// The real exe started twice on one data folder, from two environments that differ the way a service and a user
/// session (or systemd and cron) do: other TMPDIR, other XDG_RUNTIME_DIR. The second must refuse, name the first, and
/// exit with code 3: two relays on one outbox would deliver duplicates.
/// </summary>
public sealed class SecondInstanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-instance-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The first relay's log may still be closing.
        }
    }

    private RelayProcess Start(string environmentName)
    {
        var temp = Directory.CreateDirectory(Path.Combine(_folder, "env-" + environmentName)).FullName;
        return RelayProcess.Start(
            ["run", "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={Path.Combine(_folder, "data")}", "--Api:Url=http://127.0.0.1:9"],
            new Dictionary<string, string?> { ["TMPDIR"] = temp, ["XDG_RUNTIME_DIR"] = temp });
    }

    [Fact]
    public async Task A_second_relay_on_the_same_data_folder_exits_with_code_3_naming_the_running_one_whatever_its_temp_folder()
    {
        using var first = Start("service");
        var page = await first.WaitUntilRunningAsync();

        using var second = Start("user-session");
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, exitCode);
        Assert.Contains("already running", second.Error, StringComparison.Ordinal);
        Assert.Contains(first.Process.Id.ToString(CultureInfo.InvariantCulture), second.Error, StringComparison.Ordinal);
        Assert.Contains(page, second.Error, StringComparison.Ordinal);
        Assert.False(first.Process.HasExited);
    }
}
