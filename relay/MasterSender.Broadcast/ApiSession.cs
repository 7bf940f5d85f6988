using MasterSender.Core.Accounts;
using MasterSender.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>
/// The relay's login to the central API: the token (in <see cref="ITokenStore"/>), the user's profile, and the one
/// account it may broadcast for. The allowed account is persisted in the outbox so a restart refuses other accounts
/// before the API answers. One login at a time. A 401 leads to one fresh login per rejection episode (from the first
/// 401 until the API accepts a token again); when the fresh token is refused too, the next login waits 30 s, then 60 s…
/// up to 10 min, and <see cref="LastError"/> says why, instead of a login per rejected signal.
/// </summary>
public sealed partial class ApiSession : IAllowedAccountProvider, IDisposable
{
    private static readonly TimeSpan FirstReloginDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestReloginDelay = TimeSpan.FromMinutes(10);
    private readonly ApiClient _api;
    private readonly ITokenStore _tokens;
    private readonly SqliteOutbox _outbox;
    private readonly ILogger<ApiSession> _log;
    private readonly TimeProvider _time;

    // One login at a time, whoever asks (delivery workers, the status reporter, the session keeper, the page): the
    // first caller logs in and the others then find its token, instead of a login each (the login storm). A login is
    // an HTTP call, so the gate is waited for asynchronously; it stays, there is no single thread to own the session.
    private readonly SemaphoreSlim _loginGate = new(1, 1);

    // The rejection episode: read and written under _loginGate only. TokenAccepted (any delivery worker) just ends the
    // episode; the next renewal starts the back-off afresh (a race between the two shortens or lengthens one back-off).
    private volatile bool _renewedInEpisode;
    private long _reloginNotBeforeMs;
    private long _reloginDelayTicks = FirstReloginDelay.Ticks;

    // Replaced whole when the API names another account; read by the ingress thread, hence volatile.
    private volatile AllowedAccount? _current;

    public ApiSession(ApiClient api, IOptions<ApiOptions> options, ITokenStore tokens, SqliteOutbox outbox, TimeProvider time, ILogger<ApiSession> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _api = api;
        _tokens = tokens;
        _outbox = outbox;
        _log = log;
        var configured = options.Value;
        if (!string.IsNullOrEmpty(configured.Username) && !string.IsNullOrEmpty(configured.Password))
        {
            _tokens.Credentials = new ApiCredentials(configured.Username, configured.Password);
        }

        _current = _outbox.LoadAllowedAccount();
    }

    public AllowedAccount? Current => _current;

    public UserProfile? Profile { get; private set; }

    /// <summary>Why the last login failed, for the page; null after a successful one. Never contains a secret.</summary>
    public string? LastError { get; private set; }

    /// <summary>A password to log in with, or a stored session (token) to go on with.</summary>
    public bool HasCredentials => _tokens.Credentials is not null || _tokens.Token is not null;

    public string? Username => _tokens.Username;

    /// <summary>Login, logout, or a failed login: the page and delivery re-read the session.</summary>
    public event Action? Changed;

    public bool IsLoggedIn => _tokens.Token is not null;

    /// <summary>The status page's login: remembers the credentials in memory and logs in now.</summary>
    public async Task<bool> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _tokens.Credentials = new ApiCredentials(username, password);
        _tokens.Token = null;
        var ok = await GetTokenAsync(cancellationToken).ConfigureAwait(false) is not null;
        Changed?.Invoke();
        return ok;
    }

    /// <summary>The current token, logging in first when there is none; null when that is not possible now.</summary>
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        _tokens.Token is { } token ? Task.FromResult<string?>(token) : LogInAsync(rejected: null, cancellationToken);

    /// <summary>
    /// After a 401: logs in again unless another caller already replaced <paramref name="rejectedToken"/>, once per
    /// rejection episode; a token refused right after such a login waits for the back-off (null meanwhile).
    /// </summary>
    public async Task<string?> RenewTokenAsync(string rejectedToken, string reason, CancellationToken cancellationToken)
    {
        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.Token is { } current && current != rejectedToken)
            {
                return current;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (!_renewedInEpisode)
            {
                // A new episode: the API took a token since the last one.
                _reloginNotBeforeMs = 0;
                _reloginDelayTicks = FirstReloginDelay.Ticks;
            }
            else
            {
                if (_reloginNotBeforeMs == 0)
                {
                    // The token from this episode's login is refused too: logging in again at once would not help.
                    _reloginNotBeforeMs = now + (long)TimeSpan.FromTicks(_reloginDelayTicks).TotalMilliseconds;
                }

                if (now < _reloginNotBeforeMs)
                {
                    var wait = TimeSpan.FromMilliseconds(_reloginNotBeforeMs - now);
                    var error = $"the API refuses this relay's token even right after a fresh login ({reason}); next login in {wait.TotalSeconds:0} s";
                    if (error != LastError)
                    {
                        LastError = error;
                        LogRefusedAfterLogin(reason, (long)wait.TotalSeconds);
                        Changed?.Invoke();
                    }

                    return null;
                }

                _reloginNotBeforeMs = 0;
                _reloginDelayTicks = Math.Min(_reloginDelayTicks * 2, LongestReloginDelay.Ticks);
            }

            _renewedInEpisode = true;
            return await LogInLockedAsync(rejectedToken, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loginGate.Release();
        }
    }

    /// <summary>The API accepted the token (a signal went): the rejection episode, if any, is over.</summary>
    public void TokenAccepted()
    {
        // Called for every signal sent: written only when an episode is on, so the usual case is a read.
        if (_renewedInEpisode)
        {
            _renewedInEpisode = false;
        }
    }

    /// <summary>
    /// After a restart with a stored token: reads the profile with it. A 401 means the token is no longer good, and
    /// without the password (never stored) the page asks the user to log in again.
    /// </summary>
    public async Task RefreshProfileAsync(CancellationToken cancellationToken)
    {
        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.Token is not { } token || Profile is not null)
            {
                return;
            }

            try
            {
                Adopt(await _api.GetProfileAsync(token, cancellationToken).ConfigureAwait(false));
                LastError = null;
            }
            catch (ApiException failure) when (failure.CredentialsRefused)
            {
                await LogInLockedAsync(token, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException failure)
            {
                LastError = failure.Message;
            }
        }
        finally
        {
            _loginGate.Release();
        }

        Changed?.Invoke();
    }

    /// <summary>The account guard: only <c>allowed_mt5_id</c> is served; a terminal other than the registered
    /// <c>mt5_path</c> (<see cref="RegisteredTerminal"/>) is reported, not refused.</summary>
    public AccountCheck CheckTerminal(long login, string? terminalPath, string? dataPath = null)
    {
        var allowed = _current;
        if (allowed is null)
        {
            return AccountCheck.Refused("the relay has not logged in to the API yet, so it does not know which account it may serve");
        }

        if (allowed.Login != login)
        {
            return AccountCheck.Refused($"account {login} is not the account allowed for this user ({allowed.Login})");
        }

        var mismatch = RegisteredTerminal.Mismatch(allowed.Mt5Path, terminalPath ?? "", dataPath ?? "");
        return new AccountCheck(true, mismatch ? $"terminal path {terminalPath} differs from the registered mt5_path {allowed.Mt5Path}" : "", mismatch);
    }

    /// <summary>Forgets the token and the credentials; nothing is sent until the next login. The allowed account is
    /// kept: it is what the API said, and terminals of other accounts stay refused.</summary>
    public void Logout()
    {
        _tokens.Token = null;
        _tokens.Credentials = null;
        LastError = "logged out";
        Changed?.Invoke();
    }

    public void Dispose() => _loginGate.Dispose();

    private async Task<string?> LogInAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LogInLockedAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loginGate.Release();
        }
    }

    private async Task<string?> LogInLockedAsync(string? rejected, CancellationToken cancellationToken)
    {
        try
        {
            var token = _tokens.Token;
            if (token is not null && token != rejected)
            {
                return token;
            }

            _tokens.Token = null;
            if (_tokens.Credentials is not { } login)
            {
                // The password is never stored: after a restart, a token the API no longer takes needs a person.
                LastError = _tokens.Username is { } user
                    ? $"the API no longer accepts the stored session of {user}: log in again on the status page (or with `login`)"
                    : "no credentials: set Api:Username and Api:Password or log in on the status page";
                return null;
            }

            token = await _api.RequestTokenAsync(login.Username, login.Password, cancellationToken).ConfigureAwait(false);
            var profile = await _api.GetProfileAsync(token, cancellationToken).ConfigureAwait(false);
            Adopt(profile);
            _tokens.Token = token;
            LastError = null;
            LogLoggedIn(profile.Id, profile.AllowedMt5Id);
            return token;
        }
        catch (ApiException failure)
        {
            LastError = failure.Message;
            LogLoginFailed(failure.Message);
            return null;
        }
    }

    private void Adopt(UserProfile profile)
    {
        Profile = profile;
        var account = new AllowedAccount(profile.AllowedMt5Id, profile.Mt5Path);
        if (account == _current)
        {
            return;
        }

        _outbox.SaveAllowedAccount(account);
        _current = account;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged in to the API as user {UserId}; allowed MT5 account {AllowedLogin}")]
    private partial void LogLoggedIn(long userId, long allowedLogin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API refuses the token even right after a fresh login ({Reason}); next login in {DelaySeconds} s")]
    private partial void LogRefusedAfterLogin(string reason, long delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login to the API failed: {Reason}")]
    private partial void LogLoginFailed(string reason);
}
