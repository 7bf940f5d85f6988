using System.Net;
using System.Net.Http.Json;

namespace MasterSender.Relay.Tests;

/// <summary>The status page answers only to itself: Host check against DNS rebinding, Origin and antiforgery for changes.</summary>
public sealed class PageSecurityTests : IAsyncLifetime, IDisposable
{
    private RelayUnderTest _relay = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _relay = await RelayUnderTest.StartAsync();

    public async Task DisposeAsync() => await _relay.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string path, string? host = null, string? origin = null)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(_relay.PageUrl), path));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_page_and_its_JSON_answer_on_the_local_names(string name)
    {
        using var response = await _http.SendAsync(Request(HttpMethod.Get, "/api/status", host: $"{name}:{_relay.PagePort}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"terminal\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:{port}")]
    [InlineData("127.0.0.1:1")]
    public async Task A_foreign_Host_is_refused_which_defeats_DNS_rebinding(string host)
    {
        using var response = await _http.SendAsync(Request(HttpMethod.Get, "/api/status", host: host.Replace("{port}", _relay.PagePort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_POST_is_refused_by_its_Origin()
    {
        var request = Request(HttpMethod.Post, "/api/logout", origin: "http://evil.example");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_same_origin_POST_without_the_antiforgery_token_is_refused()
    {
        var request = Request(HttpMethod.Post, "/api/login", origin: $"http://127.0.0.1:{_relay.PagePort}");
        request.Content = JsonContent.Create(new { username = RelayUnderTest.User, password = RelayUnderTest.Password });

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_relay.Api.IssuedTokens);
    }

    [Fact]
    public async Task No_secret_reaches_the_page()
    {
        using var browser = await _relay.LogInThroughThePageAsync();

        var status = await browser.GetStringAsync("/api/status");
        var signals = await browser.GetStringAsync("/api/signals");

        Assert.Contains("\"logged_in\":true", status, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayUnderTest.Password, status + signals, StringComparison.Ordinal);
        var token = Assert.Single(_relay.Api.IssuedTokens);
        Assert.DoesNotContain(token, status + signals, StringComparison.Ordinal);
    }
}
