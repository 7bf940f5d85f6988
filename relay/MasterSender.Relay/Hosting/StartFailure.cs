using MasterSender.Ingress;
using Microsoft.Extensions.Options;
using Serilog;

namespace MasterSender.Relay.Hosting;

/// <summary>
/// A relay that cannot start says why in one line, on stderr and in the log file of its data folder: started hidden at
/// logon or as a service, the log file is the only place anyone will look.
/// </summary>
public static class StartFailure
{
    public static Task ReportAsync(Exception exception, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var expected = exception is OptionsValidationException or InvalidOperationException or IngressStartException or IOException or UnauthorizedAccessException;
        var reason = exception is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : exception.Message;
        return WriteAsync("Could not start: " + reason, dataFolder, expected ? null : exception);
    }

    public static Task ReportAsync(string line, string dataFolder) => WriteAsync(line, dataFolder, null);

    /// <summary>The line to stderr; to the log file with the stack trace only when the failure was not foreseen.</summary>
    private static async Task WriteAsync(string line, string dataFolder, Exception? unforeseen)
    {
        await Console.Error.WriteLineAsync(line);
        try
        {
            var configuration = new LoggerConfiguration();
            RelayApp.ConfigureLogging(configuration, DataPaths.EnsurePrivateFolder(dataFolder), console: false);
            await using var log = configuration.CreateLogger();
            log.Fatal(unforeseen, "{Reason}", line);
        }
#pragma warning disable CA1031 // The data folder itself may be what failed; stderr already has the line.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Nothing more can be done: stderr has it.
        }
    }
}
