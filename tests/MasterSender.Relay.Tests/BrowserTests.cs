using MasterSender.Core.Protocol;
using MasterSender.Simulator;
using Microsoft.Playwright;

namespace MasterSender.Relay.Tests;

/// <summary>The status page in a real browser (Debian's Chromium, driven by Playwright; nothing is downloaded).</summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private RelayUnderTest _relay = null!;
    private SystemChromium _chromium = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _relay = await RelayUnderTest.StartAsync();
        _chromium = await SystemChromium.LaunchAsync();
        _browser = _chromium.Browser;
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task Log_in_see_the_terminal_connect_and_a_signal_arrive_live_then_log_out()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(_relay.PageUrl);
        await Assertions.Expect(page.Locator("#login-card")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#terminal-title")).ToHaveTextAsync("Terminal not connected");

        await page.FillAsync("#username", RelayUnderTest.User);
        await page.FillAsync("#password", RelayUnderTest.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveTextAsync($"API: {RelayUnderTest.User}");
        await Assertions.Expect(page.Locator("#login-card")).ToBeHiddenAsync();

        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(welcome.Accepted, welcome.Message);
        await Assertions.Expect(page.Locator("#terminal-card")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("up"));
        await Assertions.Expect(page.Locator("#t-login")).ToHaveTextAsync(RelayUnderTest.Login.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var ticket = terminal.Open("XAUUSD", PositionSide.Buy, 0.25, 2341.5, sl: 2330, tp: 2365);
        var row = page.Locator("#log-rows tr", new PageLocatorOptions { HasText = ticket.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await Assertions.Expect(row).ToContainTextAsync("OPEN");
        await Assertions.Expect(row).ToContainTextAsync("sent");
        await Assertions.Expect(page.Locator("#active-rows")).ToContainTextAsync("XAUUSD");
        await Assertions.Expect(page.Locator("#m-sent")).ToHaveTextAsync("1");

        // Opening the page again shows what happened before it was opened, not only what happens after.
        await page.ReloadAsync();
        await Assertions.Expect(row).ToContainTextAsync("sent");
        await Assertions.Expect(page.Locator("#active-rows")).ToContainTextAsync("XAUUSD");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "status-page-connected.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        await page.ClickAsync("#logout");
        await Assertions.Expect(page.Locator("#login-card")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveTextAsync("API: not logged in");
    }

    [Fact]
    public async Task A_position_missing_without_evidence_is_shown_as_unconfirmed_with_its_age_until_its_deal_shows()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_relay.PageUrl);
        await page.FillAsync("#username", RelayUnderTest.User);
        await page.FillAsync("#password", RelayUnderTest.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await Assertions.Expect(page.Locator("#login-card")).ToBeHiddenAsync();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true });
        Assert.True((await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15))).Accepted);
        var ticket = terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.08);
        var ticketText = ticket.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#active-rows")).ToContainTextAsync(ticketText);
        await Assertions.Expect(page.Locator("#unconfirmed-card")).ToBeHiddenAsync();

        // Closed, but the deal is not in the terminal's history yet: the snapshot lacks the position, nothing proves a close.
        terminal.Terminal.DealsLag = true;
        terminal.Close(ticket, 1.081);
        terminal.SendSnapshot();

        var slow = new LocatorAssertionsToContainTextOptions { Timeout = 15_000 };
        await Assertions.Expect(page.Locator("#unconfirmed-rows")).ToContainTextAsync(ticketText, slow);
        await Assertions.Expect(page.Locator("#unconfirmed-rows")).ToContainTextAsync(" s", slow);
        using (var http = new HttpClient { BaseAddress = new Uri(_relay.PageUrl) })
        {
            var status = await http.GetStringAsync("/api/status");
            Assert.Contains($"\"unconfirmed\":[{{\"kind\":\"position\",\"ticket\":{ticketText},\"identifier\":{ticketText},\"symbol\":\"EURUSD\"", status, StringComparison.Ordinal);
            Assert.Contains("\"age_ms\":", status, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("CLOSE", await page.Locator("#log-rows").InnerTextAsync(), StringComparison.Ordinal);

        // The deal shows up; the next lookup finds it and the CLOSE goes out.
        terminal.Terminal.DealsLag = false;
        var row = page.Locator("#log-rows tr", new PageLocatorOptions { HasText = "CLOSE" });
        await Assertions.Expect(row).ToContainTextAsync(ticketText, slow);
        await Assertions.Expect(page.Locator("#unconfirmed-card")).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 15_000 });
    }

    [Fact]
    public async Task The_API_badge_turns_amber_while_calls_fail_and_red_while_the_circuit_is_open()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_relay.PageUrl);
        await page.FillAsync("#username", RelayUnderTest.User);
        await page.FillAsync("#password", RelayUnderTest.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveClassAsync("badge on");
        await Assertions.Expect(page.Locator("#insecure-warning")).ToBeHiddenAsync();

        _relay.Api.Faults.Failing = true;
        // Status reports as the relay sends them, failing while logged in: the session stays, the API is in trouble.
        var services = _relay.App.Services;
        var token = (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MasterSender.Broadcast.ApiSession>(services).GetTokenAsync(CancellationToken.None))!;
        var api = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MasterSender.Broadcast.ApiClient>(services);
        var report = new MasterSender.Broadcast.StatusReport { Connected = false };
        Assert.Equal(503, await api.PostStatusAsync(report, token, CancellationToken.None));
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveClassAsync("badge warn");
        await Assertions.Expect(page.Locator("#api-badge")).ToContainTextAsync("503");

        for (var call = 0; call < 4; call++)
        {
            await api.PostStatusAsync(report, token, CancellationToken.None);
        }

        await Assertions.Expect(page.Locator("#api-badge")).ToHaveClassAsync("badge off");
        await Assertions.Expect(page.Locator("#api-badge")).ToContainTextAsync("API down, signals waiting");
    }
}
