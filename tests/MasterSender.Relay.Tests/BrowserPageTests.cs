using System.Globalization;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;
using Microsoft.Playwright;

namespace MasterSender.Relay.Tests;

/// <summary>What a trader reads on the status page at a glance, in a real browser (Debian's Chromium via Playwright).</summary>
public sealed class BrowserPageTests : IAsyncLifetime
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
    public async Task Pending_orders_are_listed_with_prices_in_the_symbols_digits()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        using var terminal = await ConnectTerminalAsync();
        var page = await NewPageAsync("en-US");

        var ticket = terminal.PlaceOrder("EURUSD", PendingOrderType.BuyLimit, 0.1, 1.08254, sl: 1.0795, tp: 1.0885);

        var row = page.Locator("#order-rows tr", new PageLocatorOptions { HasText = ticket.ToString(CultureInfo.InvariantCulture) });
        await Assertions.Expect(row).ToContainTextAsync("BUY_LIMIT");
        await Assertions.Expect(row).ToContainTextAsync("1.08254");
        await Assertions.Expect(row).ToContainTextAsync("1.07950"); // the stop loss in the symbol's five digits
        await Assertions.Expect(row).ToContainTextAsync("1.08850");
        await Assertions.Expect(page.Locator("#orders-count")).ToHaveTextAsync("(1)");

        terminal.CancelOrder(ticket);
        await Assertions.Expect(page.Locator("#order-rows")).ToContainTextAsync("No pending orders");
    }

    [Fact]
    public async Task The_latency_chart_draws_one_bar_per_delivered_signal_and_the_minute_counts_them()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        using var terminal = await ConnectTerminalAsync();
        var page = await NewPageAsync("en-US");
        await Assertions.Expect(page.Locator("#latency-summary")).ToContainTextAsync("no signal delivered yet");

        terminal.Open("EURUSD", PositionSide.Buy, 0.1, 1.0852, sl: 1.0822, tp: 1.0912);
        terminal.Open("XAUUSD", PositionSide.Sell, 0.2, 2341.5, sl: 2350.5, tp: 2330.25);
        terminal.Open("USDJPY", PositionSide.Buy, 0.3, 151.32, sl: 151.02, tp: 151.92);

        await Assertions.Expect(page.Locator("#latency-chart rect.bar")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#latency-summary")).ToContainTextAsync("last 3 signals");
        await Assertions.Expect(page.Locator("#m-per-minute")).ToHaveTextAsync("3");
        var heights = await page.Locator("#latency-chart rect.bar").EvaluateAllAsync<double[]>("bars => bars.map(b => Number(b.getAttribute('height')))");
        Assert.All(heights, h => Assert.True(h > 0, "every delivered signal is a visible bar"));
        await Assertions.Expect(page.Locator("#latency-chart rect.bar title").First).ToContainTextAsync("OPEN EURUSD");
    }

    [Fact]
    public async Task The_page_speaks_the_browsers_language_and_remembers_the_one_the_trader_picks()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "pt-BR" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_relay.PageUrl);
        await Assertions.Expect(page.Locator("#terminal-title")).ToHaveTextAsync("Terminal desconectado");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "pt-BR");
        await Assertions.Expect(page.Locator("#login-card h2")).ToHaveTextAsync("Entrar na API de sinais");
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveTextAsync("API: sem login");

        await page.SelectOptionAsync("#lang", "en");
        await Assertions.Expect(page.Locator("#terminal-title")).ToHaveTextAsync("Terminal not connected");
        await Assertions.Expect(page.Locator("#login-card h2")).ToHaveTextAsync("Log in to the signal API");
        await Assertions.Expect(page.Locator("#api-badge")).ToHaveTextAsync("API: not logged in");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#terminal-title")).ToHaveTextAsync("Terminal not connected");
        await Assertions.Expect(page.Locator("#lang")).ToHaveValueAsync("en");

        var english = await NewPageAsync("en-GB");
        await Assertions.Expect(english.Locator("#terminal-title")).ToHaveTextAsync("Terminal not connected");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Before_the_first_update_the_page_says_connecting_not_disconnected()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        await page.RouteAsync("**/api/events", route => route.AbortAsync());
        await page.GotoAsync(_relay.PageUrl);

        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("connecting…");
        await Assertions.Expect(page.Locator("#terminal-title")).ToHaveTextAsync("Connecting to the relay…");
        await Assertions.Expect(page.Locator("#terminal-card")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("down"));
        await Assertions.Expect(page.Locator("#terminal-figures")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("link[rel=icon]")).ToHaveAttributeAsync("href", "/favicon.svg");
        var icon = await page.APIRequest.GetAsync(_relay.PageUrl + "favicon.svg");
        Assert.Equal(200, icon.Status);
        Assert.Contains("<svg", await icon.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_420_pixels_wide_nothing_sticks_out_of_the_page()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        using var terminal = await ConnectTerminalAsync();
        terminal.Open("XAUUSD", PositionSide.Buy, 0.25, 2341.5, sl: 2330, tp: 2365);
        terminal.PlaceOrder("GBPUSD", PendingOrderType.SellLimit, 0.1, 1.27415, sl: 1.27715, tp: 1.26815);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 420, Height = 900 } });
        await page.GotoAsync(_relay.PageUrl);
        await Assertions.Expect(page.Locator("#order-rows")).ToContainTextAsync("GBPUSD");
        await Assertions.Expect(page.Locator("#active-rows")).ToContainTextAsync("XAUUSD");

        var pageWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(pageWidth <= 420, $"the page is {pageWidth} px wide in a 420 px window");
        Assert.True(await page.Locator("#lang").IsVisibleAsync());
    }

    [Fact]
    public async Task A_terminal_other_than_the_registered_one_is_named_in_the_traders_language()
    {
        using var browser = await _relay.LogInThroughThePageAsync();
        using var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true, TerminalPath = @"D:\Other MT5" });
        Assert.True((await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30))).Accepted);
        var page = await NewPageAsync("pt-BR");

        var warning = page.Locator("#terminal-warning");
        await Assertions.Expect(warning).ToBeVisibleAsync();
        await Assertions.Expect(warning).ToContainTextAsync(@"Este terminal roda em D:\Other MT5");
        await Assertions.Expect(warning).ToContainTextAsync(@"C:\Program Files\MetaTrader 5");
    }

    private async Task<IPage> NewPageAsync(string locale)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(_relay.PageUrl);
        return page;
    }

    private async Task<TerminalSimulator> ConnectTerminalAsync()
    {
        var terminal = new TerminalSimulator(SimulatedTerminal.Demo(RelayUnderTest.Login), _relay.EaEndpoint, new SimulatorSettings { AutoHeartbeat = true });
        var welcome = await terminal.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(welcome.Accepted, welcome.Message);
        return terminal;
    }
}
