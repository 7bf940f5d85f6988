using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Broadcast;
using Microsoft.AspNetCore.DataProtection;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// The API token and the user name, kept across restarts in <c>session.dat</c>, encrypted with ASP.NET Core Data
/// Protection (key ring protected by DPAPI on Windows; on Linux in <c>keys/</c>, a folder only this user can read), so
/// the relay comes back after a reboot without asking again. The password is never written: it stays in memory for
/// re-logins while the relay runs, and after a restart an expired token means "log in again" on the page. The file is
/// created readable by this user only (0600 from its creation on Unix). Logging out deletes it.
/// </summary>
public sealed class ProtectedTokenStore : ITokenStore
{
    private const string Purpose = "MasterSender.ApiSession.v1";
    private readonly IDataProtector _protector;
    private readonly string _path;
    private readonly Lock _gate = new();
    private StoredSession _session;
    private volatile ApiCredentials? _credentials;

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

    /// <summary>In memory only: the password is never written to a file.</summary>
    public ApiCredentials? Credentials
    {
        get => _credentials;
        set
        {
            _credentials = value;
            if (value is not null)
            {
                Update(_session with { Username = value.Username });
            }
            else if (_session.Token is null)
            {
                Update(new StoredSession());
            }
        }
    }

    public string? Username => _credentials?.Username ?? Volatile.Read(ref _session).Username;

    private void Update(StoredSession session)
    {
        lock (_gate)
        {
            _session = session;
            if (session.Token is null)
            {
                // Without a token there is nothing worth keeping; the user name alone is not a session.
                File.Delete(_path);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temporary = _path + ".tmp";
            File.Delete(temporary); // A leftover would keep its old mode: the file must be created now, 0600.
            var text = _protector.Protect(JsonSerializer.Serialize(session, StoredSessionJsonContext.Default.StoredSession));
            using (var file = new FileStream(temporary, PrivateFile.Create()))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(text);
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

/// <summary>Options for a file only this user may read, with that mode from the moment it exists (no window in which
/// another user could open it).</summary>
internal static class PrivateFile
{
    public static FileStreamOptions Create(FileMode mode = FileMode.Create, FileShare share = FileShare.None)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}

/// <summary>What <c>session.dat</c> holds once decrypted: never a password.</summary>
internal sealed record StoredSession
{
    public string? Username { get; init; }
    public string? Token { get; init; }
}

[JsonSerializable(typeof(StoredSession))]
internal sealed partial class StoredSessionJsonContext : JsonSerializerContext;
