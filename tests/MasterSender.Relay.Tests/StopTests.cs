using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace MasterSender.Relay.Tests;

/// <summary>Stopping the relay (Ctrl-C, service stop, systemd stop: SIGTERM) while a browser has the page open.</summary>
public sealed class StopTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-stop-").FullName;

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
    public async Task SIGTERM_with_the_page_open_ends_the_relay_promptly_and_cleanly()
    {
        using var relay = RelayProcess.Start(["run", "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}", "--Api:Url=http://127.0.0.1:9"]);
        var page = await relay.WaitUntilRunningAsync();
        using var browser = new HttpClient { BaseAddress = new Uri(page), Timeout = Timeout.InfiniteTimeSpan };
        using var events = await browser.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        using var stream = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("event: status", await stream.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", relay.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        // Kestrel would wait up to 30 s for the live feed to end; the deadline is generous for a loaded machine yet far below that.
        var exitCode = await relay.WaitForExitAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"stopped {clock.ElapsedMilliseconds} ms after SIGTERM with the page's live feed open");
        Assert.Equal(0, exitCode);
    }
}
