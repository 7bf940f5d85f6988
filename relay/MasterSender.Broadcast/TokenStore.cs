namespace MasterSender.Broadcast;

/// <summary>
/// Where the bearer token lives. In memory by default; the host can plug a store protected with ASP.NET Data
/// Protection so a restart does not need the password again. Implementations must never log the token.
/// </summary>
public interface ITokenStore
{
    string? Token { get; set; }
}

public sealed class InMemoryTokenStore : ITokenStore
{
    private volatile string? token;

    public string? Token
    {
        get => token;
        set => token = value;
    }
}
