using System.Text.Json;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// One relay per data folder: an exclusive OS lock on <c>relay.lock</c> inside it (flock on Linux, a share-none handle
/// on Windows), held for the life of the process and released by the OS when it dies, crash included. Beside it, a
/// small note with the pid and page URL lets a second start say who is running.
/// </summary>
public sealed class SingleInstanceLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _notePath;

    private SingleInstanceLock(FileStream fileLock, string notePath)
    {
        _lock = fileLock;
        _notePath = notePath;
    }

    public static SingleInstanceLock? TryAcquire(string lockFile, out string holder)
    {
        ArgumentNullException.ThrowIfNull(lockFile);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockFile))!);
        var notePath = lockFile + ".json";
        try
        {
            var options = PrivateFile.Create(FileMode.OpenOrCreate);
            options.BufferSize = 0;
            var stream = new FileStream(lockFile, options);
            holder = "";
            return new SingleInstanceLock(stream, notePath);
        }
        catch (IOException)
        {
            holder = DescribeHolder(notePath);
            return null;
        }
    }

    /// <summary>Records who holds the lock, for the message a second start prints.</summary>
    public void Announce(string pageUrl)
    {
        var note = new InstanceNote(Environment.ProcessId, pageUrl, DateTimeOffset.UtcNow);
        using var file = new FileStream(_notePath, PrivateFile.Create(share: FileShare.Read));
        JsonSerializer.Serialize(file, note, HostingJsonContext.Default.InstanceNote);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_notePath);
        }
        catch (IOException)
        {
            // Best effort: a stale note is harmless, the lock itself is what counts.
        }

        _lock.Dispose();
    }

    private static string DescribeHolder(string notePath)
    {
        try
        {
            var note = JsonSerializer.Deserialize(File.ReadAllText(notePath), HostingJsonContext.Default.InstanceNote);
            if (note is not null)
            {
                return $"process {note.Pid}, status page {note.PageUrl}";
            }
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
        {
            // Fall through: the holder may be starting and not have written its note yet.
        }

        return "another process (still starting)";
    }
}

public sealed record InstanceNote(int Pid, string PageUrl, DateTimeOffset StartedAt);
