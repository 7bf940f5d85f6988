namespace MasterSender.Relay.Hosting;

/// <summary>Where the relay keeps its files. Every default is per user, so no admin rights are needed.</summary>
public static class DataPaths
{
    public static string DefaultDataFolder()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Path.GetTempPath(), Environment.UserName);
        }

        return Path.Combine(root, "MasterSender");
    }

    /// <summary>The single-instance lock: a file in the data folder, so the lock follows the outbox it guards.</summary>
    public static string LockFile(string dataFolder) => Path.Combine(dataFolder, "relay.lock");

    /// <summary>Creates the folder readable by this user only where the OS lets us say so.</summary>
    public static string EnsurePrivateFolder(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
