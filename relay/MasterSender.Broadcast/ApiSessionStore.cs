namespace MasterSender.Broadcast;

/// <summary>The session that survives a restart. The host stores it protected (ASP.NET Core Data Protection).</summary>
public sealed record StoredApiSession
{
    public required string Username { get; init; }

    /// <summary>Kept so that a 401 after token expiry can log in again without a person at the keyboard.</summary>
    public string? Password { get; init; }
    public string? Token { get; init; }
    public long? AllowedLogin { get; init; }
    public string? Mt5Path { get; init; }
}

public interface IApiSessionStore
{
    StoredApiSession? Load();

    void Save(StoredApiSession session);

    void Clear();
}

/// <summary>For tests and the demo's sandbox: nothing outlives the process.</summary>
public sealed class InMemoryApiSessionStore : IApiSessionStore
{
    private StoredApiSession? _session;

    public StoredApiSession? Load() => Volatile.Read(ref _session);

    public void Save(StoredApiSession session) => Volatile.Write(ref _session, session);

    public void Clear() => Volatile.Write(ref _session, null);
}
