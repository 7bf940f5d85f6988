namespace MasterSender.Core.Accounts;

/// <summary>
/// The one rule for "is this the terminal the user registered at the API?". The API's <c>mt5_path</c> is what the seed
/// gave <c>mt5.initialize(path=…)</c>: usually the terminal's exe (<c>…\MetaTrader 5\terminal64.exe</c>), sometimes its
/// folder, and for a portable install its data folder. So it matches when it names the terminal's install folder
/// (<c>TERMINAL_PATH</c>) or data folder (<c>TERMINAL_DATA_PATH</c>), or the exe inside either; Windows paths, so case and
/// separators do not matter. No registered path, or no path from the terminal, is no mismatch: doubt is not reported
/// as a wrong terminal. The EA session's warning, the status report's <c>path_mismatch</c> and the page all use it.
/// </summary>
public static class RegisteredTerminal
{
    public static bool Mismatch(string? mt5Path, string terminalPath, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(terminalPath);
        ArgumentNullException.ThrowIfNull(dataPath);
        if (string.IsNullOrWhiteSpace(mt5Path) || (terminalPath.Length == 0 && dataPath.Length == 0))
        {
            return false;
        }

        var registered = Folder(mt5Path);
        return registered != Folder(terminalPath) && registered != Folder(dataPath);
    }

    /// <summary>The sentence for the log and the EA's user, or "" when the terminal is the registered one.</summary>
    public static string Warning(string? mt5Path, string terminalPath, string dataPath) =>
        Mismatch(mt5Path, terminalPath, dataPath)
            ? $"This terminal runs from '{terminalPath}', but the API has '{mt5Path}' registered as the master terminal."
            : "";

    /// <summary>The folder a path names, in one spelling: an exe stands for the folder it is in.</summary>
    private static string Folder(string path)
    {
        var folder = path.Trim().Replace('\\', '/').TrimEnd('/').ToUpperInvariant();
        return folder.EndsWith(".EXE", StringComparison.Ordinal) ? folder[..Math.Max(0, folder.LastIndexOf('/'))] : folder;
    }
}
