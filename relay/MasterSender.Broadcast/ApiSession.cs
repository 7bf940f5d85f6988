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
    private readonly ApiClient api;
    private readonly ITokenStore tokens;
    private readonly SqliteOutbox outbox;
    private static readonly TimeSpan FirstReloginDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestReloginDelay = TimeSpan.FromMinutes(10);
    private readonly ILogger<ApiSession> log;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim loginGate = new(1, 1);

    // The rejection episode: written under loginGate, reset by TokenAccepted from any delivery worker (a race
    // between the two only shortens or lengthens one back-off).
    private int renewedInEpisode;
    private long reloginNotBeforeMs;
    private long reloginDelayTicks = FirstReloginDelay.Ticks;
    private volatile AllowedAccount? current;

    public ApiSession(ApiClient api, IOptions<ApiOptions> options, ITokenStore tokens, SqliteOutbox outbox, TimeProvider time, ILogger<ApiSession> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.time = time;
        this.api = api;
        this.tokens = tokens;
        this.outbox = outbox;
        this.log = log;
        var configured = options.Value;
        if (!string.IsNullOrEmpty(configured.Username) && !string.IsNullOrEmpty(configured.Password))
        {
            tokens.Credentials = new ApiCredentials(configured.Username, configured.Password);
        }

        current = outbox.LoadAllowedAccount();
    }

    public AllowedAccount? Current => current;

    public UserProfile? Profile { get; private set; }

    /// <summary>Why the last login failed, for the page; null after a successful one. Never contains a secret.</summary>
    public string? LastError { get; private set; }

    /// <summary>A password to log in with, or a stored session (token) to go on with.</summary>
    public bool HasCredentials => tokens.Credentials is not null || tokens.Token is not null;

    public string? Username => tokens.Username;

    /// <summary>Login, logout, or a failed login: the page and delivery re-read the session.</summary>
    public event Action? Changed;

    public bool IsLoggedIn => tokens.Token is not null;

    /// <summary>The status page's login: remembers the credentials in memory and logs in now.</summary>
    public async Task<bool> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        tokens.Credentials = new ApiCredentials(username, password);
        tokens.Token = null;
        var ok = await GetTokenAsync(cancellationToken).ConfigureAwait(false) is not null;
        Changed?.Invoke();
        return ok;
    }

    /// <summary>The current token, logging in first when there is none; null when that is not possible now.</summary>
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        tokens.Token is { } token ? Task.FromResult<string?>(token) : LogInAsync(rejected: null, cancellationToken);

    /// <summary>
    /// After a 401: logs in again unless another caller already replaced <paramref name="rejectedToken"/>, once per
    /// rejection episode; a token refused right after such a login waits for the back-off (null meanwhile).
    /// </summary>
    public async Task<string?> RenewTokenAsync(string rejectedToken, string reason, CancellationToken cancellationToken)
    {
        await loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (tokens.Token is { } current && current != rejectedToken)
            {
                return current;
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (Volatile.Read(ref renewedInEpisode) == 1)
            {
                if (Interlocked.Read(ref reloginNotBeforeMs) == 0)
                {
                    // The token from this episode's login is refused too: logging in again at once would not help.
                    Interlocked.Exchange(ref reloginNotBeforeMs, now + (long)TimeSpan.FromTicks(Interlocked.Read(ref reloginDelayTicks)).TotalMilliseconds);
                }

                var notBefore = Interlocked.Read(ref reloginNotBeforeMs);
                if (now < notBefore)
                {
                    var wait = TimeSpan.FromMilliseconds(notBefore - now);
                    var error = $"the API refuses this relay's token even right after a fresh login ({reason}); next login in {wait.TotalSeconds:0} s";
                    if (error != LastError)
                    {
                        LastError = error;
                        LogRefusedAfterLogin(reason, (long)wait.TotalSeconds);
                        Changed?.Invoke();
                    }

                    return null;
                }

                Interlocked.Exchange(ref reloginNotBeforeMs, 0);
                Interlocked.Exchange(ref reloginDelayTicks, Math.Min(Interlocked.Read(ref reloginDelayTicks) * 2, LongestReloginDelay.Ticks));
            }

            Volatile.Write(ref renewedInEpisode, 1);
            return await LogInLockedAsync(rejectedToken, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            loginGate.Release();
        }
    }

    /// <summary>The API accepted the token (a signal went): the rejection episode, if any, is over.</summary>
    public void TokenAccepted()
    {
        if (Interlocked.Exchange(ref renewedInEpisode, 0) == 1)
        {
            Interlocked.Exchange(ref reloginNotBeforeMs, 0);
            Interlocked.Exchange(ref reloginDelayTicks, FirstReloginDelay.Ticks);
        }
    }

    /// <summary>
    /// After a restart with a stored token: reads the profile with it. A 401 means the token is no longer good, and
    /// without the password (never stored) the page asks the user to log in again.
    /// </summary>
    public async Task RefreshProfileAsync(CancellationToken cancellationToken)
    {
        await loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (tokens.Token is not { } token || Profile is not null)
            {
                return;
            }

            try
            {
                Adopt(await api.GetProfileAsync(token, cancellationToken).ConfigureAwait(false));
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
            loginGate.Release();
        }

        Changed?.Invoke();
    }

    /// <summary>The account guard: only <c>allowed_mt5_id</c> is served; a terminal other than the registered
    /// <c>mt5_path</c> (<see cref="RegisteredTerminal"/>) is reported, not refused.</summary>
    public AccountCheck CheckTerminal(long login, string? terminalPath, string? dataPath = null)
    {
        var allowed = current;
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
        tokens.Token = null;
        tokens.Credentials = null;
        LastError = "logged out";
        Changed?.Invoke();
    }

    public void Dispose() => loginGate.Dispose();

    private async Task<string?> LogInAsync(string? rejected, CancellationToken cancellationToken)
    {
        await loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LogInLockedAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            loginGate.Release();
        }
    }

    private async Task<string?> LogInLockedAsync(string? rejected, CancellationToken cancellationToken)
    {
        try
        {
            var token = tokens.Token;
            if (token is not null && token != rejected)
            {
                return token;
            }

            tokens.Token = null;
            if (tokens.Credentials is not { } login)
            {
                // The password is never stored: after a restart, a token the API no longer takes needs a person.
                LastError = tokens.Username is { } user
                    ? $"the API no longer accepts the stored session of {user}: log in again on the status page (or with `login`)"
                    : "no credentials: set Api:Username and Api:Password or log in on the status page";
                return null;
            }

            token = await api.RequestTokenAsync(login.Username, login.Password, cancellationToken).ConfigureAwait(false);
            var profile = await api.GetProfileAsync(token, cancellationToken).ConfigureAwait(false);
            Adopt(profile);
            tokens.Token = token;
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
        if (account == current)
        {
            return;
        }

        outbox.SaveAllowedAccount(account);
        current = account;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged in to the API as user {UserId}; allowed MT5 account {AllowedLogin}")]
    private partial void LogLoggedIn(long userId, long allowedLogin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API refuses the token even right after a fresh login ({Reason}); next login in {DelaySeconds} s")]
    private partial void LogRefusedAfterLogin(string reason, long delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login to the API failed: {Reason}")]
    private partial void LogLoginFailed(string reason);
}
