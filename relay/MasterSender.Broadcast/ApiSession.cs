using MasterSender.Core.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// Who the relay is at the API: token, user, and the one MT5 account it may broadcast for (<c>allowed_mt5_id</c>).
/// The allowed account comes only from the API (or from the last time the API said it), never from a local file.
/// </summary>
public sealed class ApiSession(ApiClient api, IApiSessionStore store, IOptionsMonitor<ApiOptions> options, ILogger<ApiSession> logger) : IAllowedAccountProvider, IDisposable
{
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    // Known from the stored session before the API answers, so a terminal is accepted at once after a reboot.
    private volatile State _state = store.Load() is { } stored ? new State(stored.Token, stored.Username, AllowedFrom(stored), null, null) : State.Empty;

    public AllowedAccount? Current => _state.Allowed;

    public string? Token => _state.Token;

    public string? Username => _state.Username;

    public UserInfo? User => _state.User;

    /// <summary>Why the relay is not (or no longer) logged in; null when all is well.</summary>
    public string? LastError => _state.Error;

    public bool LoggedIn => _state.Token is not null;

    public event Action? Changed;

    /// <summary>At start: configured credentials first, then the stored session. Failure is reported, not thrown:
    /// the relay runs on and the page offers to log in.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue;
        var stored = store.Load();
        if (!string.IsNullOrEmpty(configured.Username) && !string.IsNullOrEmpty(configured.Password))
        {
            await LoginAsync(configured.Username, configured.Password, cancellationToken);
            return;
        }

        if (stored?.Token is { } token)
        {
            try
            {
                var user = await api.GetMeAsync(token, cancellationToken);
                Accept(stored.Username, stored.Password, token, user);
            }
            catch (UnauthorizedAccessException)
            {
                await ReloginAsync(cancellationToken);
            }
            catch (ApiLoginException exception)
            {
                // The API is unreachable: keep the stored session and the stored allowed account, and deliver later.
                Set(_state with { Error = exception.Message });
                logger.LogWarning("Could not reach the API at start; continuing with the stored session: {Reason}", exception.Message);
            }
        }
    }

    /// <summary>Logs in and remembers the session. Null on success, else a sentence for the user.</summary>
    public async Task<string?> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        await _loginGate.WaitAsync(cancellationToken);
        try
        {
            var token = await api.LoginAsync(username, password, cancellationToken);
            var user = await api.GetMeAsync(token, cancellationToken);
            Accept(username, password, token, user);
            return _state.Error;
        }
        catch (Exception exception) when (exception is ApiLoginException or UnauthorizedAccessException)
        {
            logger.LogWarning("Login to the API as {Username} failed: {Reason}", username, exception.Message);
            Set(_state with { Error = exception.Message });
            return exception.Message;
        }
        finally
        {
            _loginGate.Release();
        }
    }

    /// <summary>After a 401: log in again with the remembered credentials, once, however many sends saw the 401.</summary>
    public async Task<bool> ReloginAsync(CancellationToken cancellationToken, string? rejectedToken = null)
    {
        await _loginGate.WaitAsync(cancellationToken);
        try
        {
            if (rejectedToken is not null && _state.Token is { } current && current != rejectedToken)
            {
                return true; // Someone else already logged in again while this send waited.
            }

            var credentials = store.Load();
            var username = options.CurrentValue.Username ?? credentials?.Username;
            var password = options.CurrentValue.Password ?? credentials?.Password;
            if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            {
                Set(_state with { Token = null, Error = "The API session expired: log in again on the status page." });
                return false;
            }

            var token = await api.LoginAsync(username, password, cancellationToken);
            var user = await api.GetMeAsync(token, cancellationToken);
            Accept(username, password, token, user);
            logger.LogInformation("Logged in to the API again as {Username} after the token expired", username);
            return true;
        }
        catch (Exception exception) when (exception is ApiLoginException or UnauthorizedAccessException)
        {
            Set(_state with { Token = null, Error = exception.Message });
            logger.LogWarning("Logging in again failed: {Reason}", exception.Message);
            return false;
        }
        finally
        {
            _loginGate.Release();
        }
    }

    public Task LogoutAsync()
    {
        store.Clear();
        Set(State.Empty);
        logger.LogInformation("Logged out of the API; the stored session is forgotten");
        return Task.CompletedTask;
    }

    public void Dispose() => _loginGate.Dispose();

    private void Accept(string username, string? password, string token, UserInfo user)
    {
        string? error = null;
        if (user.AllowedMt5Id is null)
        {
            error = "The API has no MT5 account (allowed_mt5_id) for this user: register the master account first.";
        }

        var allowed = user.AllowedMt5Id is { } login ? new AllowedAccount(login, user.Mt5Path) : null;
        store.Save(new StoredApiSession { Username = username, Password = password, Token = token, AllowedLogin = allowed?.Login, Mt5Path = allowed?.Mt5Path });
        Set(new State(token, username, allowed, user, error));
        logger.LogInformation("Logged in to the API as {Username}; broadcasting for MT5 account {AllowedLogin}", username, allowed?.Login);
    }

    private void Set(State state)
    {
        _state = state;
        Changed?.Invoke();
    }

    private static AllowedAccount? AllowedFrom(StoredApiSession stored) =>
        stored.AllowedLogin is { } login ? new AllowedAccount(login, stored.Mt5Path) : null;

    private sealed record State(string? Token, string? Username, AllowedAccount? Allowed, UserInfo? User, string? Error)
    {
        public static readonly State Empty = new(null, null, null, null, null);
    }
}
