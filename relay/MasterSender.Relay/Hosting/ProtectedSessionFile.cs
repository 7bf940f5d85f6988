using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The API session that survives a reboot: user name, password (so a 401 after token expiry can log in again
/// without a person), token and the allowed account. Encrypted with ASP.NET Core Data Protection (keys protected by
/// DPAPI on Windows; on Linux in a folder only this user can read). <c>logout</c> deletes it.
/// </summary>
public sealed class ProtectedSessionFile(IDataProtectionProvider protection, string path)
{
    private const string Purpose = "MasterSender.ApiSession.v1";
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public StoredSession? Load()
    {
        lock (_gate)
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            try
            {
                var json = _protector.Unprotect(File.ReadAllText(Path));
                return JsonSerializer.Deserialize(json, SessionJsonContext.Default.StoredSession);
            }
            catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or JsonException or IOException)
            {
                // Keys lost or file damaged: behave as logged out; the user logs in again and the file is rewritten.
                return null;
            }
        }
    }

    public void Save(StoredSession session)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temporary = Path + ".tmp";
            File.WriteAllText(temporary, _protector.Protect(JsonSerializer.Serialize(session, SessionJsonContext.Default.StoredSession)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, Path, overwrite: true);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            File.Delete(Path);
        }
    }
}

public sealed record StoredSession
{
    public required string Username { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }
    public long? AllowedLogin { get; init; }
    public string? Mt5Path { get; init; }
}

[JsonSerializable(typeof(StoredSession))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
