using Microsoft.Extensions.Options;

namespace MasterSender.Relay;

/// <summary>Configuration section <c>Status</c>: the page on 127.0.0.1.</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";
    public const int DefaultPort = 47801;

    /// <summary><c>Status:Port</c>; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = DefaultPort;
}

/// <summary>
/// The <c>Status</c> section's rule, as the relay's other options validators. Kestrel needs the port before the host
/// exists, so <see cref="Hosting.RelayApp"/> runs it as it reads the section, with the same failure (and message) that
/// <c>ValidateOnStart</c> would give.
/// </summary>
internal sealed class StatusOptionsValidator : IValidateOptions<StatusOptions>
{
    public ValidateOptionsResult Validate(string? name, StatusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Port is < 0 or > 65535
            ? ValidateOptionsResult.Fail($"Status:Port must be between 0 and 65535 (got {options.Port}).")
            : ValidateOptionsResult.Success;
    }

    public static StatusOptions Checked(StatusOptions options)
    {
        var result = new StatusOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(StatusOptions), result.Failures) : options;
    }
}
