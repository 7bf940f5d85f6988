namespace MasterSender.Broadcast;

/// <summary>The user name and password the relay logs in with; kept so a 401 after token expiry can log in again
/// without a person at the keyboard.</summary>
public sealed record ApiCredentials(string Username, string Password)
{
    // Never print the password, not even in a debugger's or a log's view of this record.
    public override string ToString() => $"ApiCredentials {{ Username = {Username} }}";
}

/// <summary>
/// Where the bearer token and the credentials live. In memory by default; the host plugs in a store that keeps the
/// token and user name (never the password) protected with ASP.NET Core Data Protection, so a restart does not need
/// the password while the token is valid. Implementations never log any of it.
/// </summary>
public interface ITokenStore
{
    string? Token { get; set; }

    ApiCredentials? Credentials { get; set; }

    /// <summary>Who the session belongs to: from the credentials, or remembered with a stored token.</summary>
    string? Username { get; }
}

public sealed class InMemoryTokenStore : ITokenStore
{
    private volatile string? _token;
    private volatile ApiCredentials? _credentials;

    public string? Token
    {
        get => _token;
        set => _token = value;
    }

    public ApiCredentials? Credentials
    {
        get => _credentials;
        set => _credentials = value;
    }

    public string? Username => _credentials?.Username;
}
