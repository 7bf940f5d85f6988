namespace MasterSender.Benchmarks.Rigs;

internal static class TempFolder
{
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A log file may still be closing; the temp folder is the OS's to clean then.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
