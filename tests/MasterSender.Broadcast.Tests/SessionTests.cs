using Microsoft.Extensions.DependencyInjection;
using MasterSender.Core.Accounts;

namespace MasterSender.Broadcast.Tests;

public sealed class SessionTests : IAsyncLifetime
{
    private SandboxServer _api = null!;

    public async Task InitializeAsync() => _api = await SandboxServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Login_learns_the_allowed_account_from_the_API()
    {
        await using var relay = await DeliveryHost.StartAsync(_api);

        Assert.Equal(new AllowedAccount(SandboxServer.AllowedLogin, @"C:\Program Files\MetaTrader 5"), relay.Session.Current);
        Assert.Equal("Pro (sandbox)", relay.Session.User?.Subscription);
        Assert.Equal(3, relay.Session.User?.ActiveClients);
    }

    [Fact]
    public async Task A_wrong_password_is_a_clear_error_that_does_not_echo_the_password()
    {
        await using var relay = await DeliveryHost.StartAsync(_api, login: false);

        var error = await relay.Session.LoginAsync(SandboxServer.User, "hunter2", CancellationToken.None);

        Assert.Contains("refused", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.Null(relay.Session.Current);
    }

    [Fact]
    public async Task A_malformed_users_me_answer_is_a_clear_error()
    {
        _api.State.Faults.MalformedUserInfo = true;
        await using var relay = await DeliveryHost.StartAsync(_api, login: false);

        var error = await relay.Session.LoginAsync(SandboxServer.User, SandboxServer.Password, CancellationToken.None);

        Assert.Contains("users/me", error, StringComparison.Ordinal);
        Assert.False(relay.Session.LoggedIn);
    }

    [Fact]
    public async Task An_unreachable_API_is_a_clear_error()
    {
        _api.State.Faults.Down = true;
        await using var relay = await DeliveryHost.StartAsync(_api, login: false);

        var error = await relay.Session.LoginAsync(SandboxServer.User, SandboxServer.Password, CancellationToken.None);

        Assert.Contains("could not be reached", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_session_is_used_after_a_restart_without_the_password_being_configured()
    {
        var store = new InMemoryApiSessionStore();
        await using (var first = await DeliveryHost.StartAsync(_api, services: s => s.AddSingleton<IApiSessionStore>(store)))
        {
            Assert.True(first.Session.LoggedIn);
        }

        await using var second = await DeliveryHost.StartAsync(_api, services: s => s.AddSingleton<IApiSessionStore>(store), login: false);

        await Eventually.True(() => second.Session.LoggedIn && second.Session.User is not null, "the stored session to be checked");
        Assert.Equal(SandboxServer.AllowedLogin, second.Session.Current?.Login);
        Assert.Equal(1, _api.State.Logins);
    }

    [Fact]
    public async Task The_stored_allowed_account_is_known_even_while_the_API_is_unreachable()
    {
        var store = new InMemoryApiSessionStore();
        store.Save(new StoredApiSession { Username = "provider", Token = "old", AllowedLogin = 42 });
        _api.State.Faults.Down = true;

        await using var relay = await DeliveryHost.StartAsync(_api, services: s => s.AddSingleton<IApiSessionStore>(store), login: false);

        Assert.Equal(42, relay.Session.Current?.Login);
    }

    [Fact]
    public async Task Logout_forgets_the_session()
    {
        var store = new InMemoryApiSessionStore();
        await using var relay = await DeliveryHost.StartAsync(_api, services: s => s.AddSingleton<IApiSessionStore>(store));

        await relay.Session.LogoutAsync();

        Assert.Null(store.Load());
        Assert.False(relay.Session.LoggedIn);
        Assert.Null(relay.Session.Current);
    }
}
