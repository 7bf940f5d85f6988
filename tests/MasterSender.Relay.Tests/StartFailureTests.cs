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

    [Theory]
    [InlineData("run")]
    [InlineData("login")]
    public async Task Without_an_API_URL_the_relay_exits_4_with_one_line_naming_the_key_also_in_the_log_file(string verb)
    {
        using var relay = RelayProcess.Start(
            [verb, "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}"],
            new Dictionary<string, string> { ["MasterSender__Api__Url"] = "" });

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
}
