using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Broadcast;
using Microsoft.AspNetCore.DataProtection;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The API token and credentials, kept across restarts in one file encrypted with ASP.NET Core Data Protection
/// (key ring protected by DPAPI on Windows; on Linux in a folder only this user can read), so the relay comes back
/// after a reboot without asking for the password. Setting both to null (logout) deletes the file.
/// </summary>
public sealed class ProtectedTokenStore : ITokenStore
{
    private const string Purpose = "MasterSender.ApiSession.v1";
    private readonly IDataProtector _protector;
    private readonly string _path;
    private readonly Lock _gate = new();
    private StoredSession _session;

    public ProtectedTokenStore(IDataProtectionProvider protection, string path)
    {
        ArgumentNullException.ThrowIfNull(protection);
        _protector = protection.CreateProtector(Purpose);
        _path = path;
        _session = Load();
    }

    public string? Token
    {
        get => Volatile.Read(ref _session).Token;
        set => Update(_session with { Token = value });
    }

    public ApiCredentials? Credentials
    {
        get => Volatile.Read(ref _session) is { Username: { } user, Password: { } password } ? new ApiCredentials(user, password) : null;
        set => Update(_session with { Username = value?.Username, Password = value?.Password });
    }

    private void Update(StoredSession session)
    {
        lock (_gate)
        {
            _session = session;
            if (session.Token is null && session.Username is null)
            {
                File.Delete(_path);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temporary = _path + ".tmp";
            File.WriteAllText(temporary, _protector.Protect(JsonSerializer.Serialize(session, StoredSessionJsonContext.Default.StoredSession)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, _path, overwrite: true);
        }
    }

    private StoredSession Load()
    {
        try
        {
            return File.Exists(_path)
                ? JsonSerializer.Deserialize(_protector.Unprotect(File.ReadAllText(_path)), StoredSessionJsonContext.Default.StoredSession) ?? new StoredSession()
                : new StoredSession();
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or JsonException or IOException)
        {
            // Keys lost or file damaged: behave as logged out; the next login rewrites the file.
            return new StoredSession();
        }
    }
}

internal sealed record StoredSession
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }
}

[JsonSerializable(typeof(StoredSession))]
internal sealed partial class StoredSessionJsonContext : JsonSerializerContext;
