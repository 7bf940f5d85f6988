using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// The <c>Ingress</c> section's rules, checked at start (<c>ValidateOnStart</c>), each failure naming its key. Plain
/// code, as every options validator of the relay: data annotations need reflection (or, for time ranges, a
/// TypeConverter found by reflection) that the trimmed and AOT-compiled relay does not keep.
/// </summary>
internal sealed class IngressOptionsValidator : IValidateOptions<IngressOptions>
{
    public ValidateOptionsResult Validate(string? name, IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, "Ingress:Port", options.Port, 0, 65535);
        Check(failures, "Ingress:MaxConnections", options.MaxConnections, 1, 4096);
        Check(failures, "Ingress:MaxFrameBytes", options.MaxFrameBytes, 1024, 64 * 1024 * 1024);
        Check(failures, "Ingress:TerminalTimeout", options.TerminalTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Check(failures, "Ingress:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        Check(failures, "Ingress:HandshakeTimeout", options.HandshakeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Check(failures, "Ingress:LookupInterval", options.LookupInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(FormattableString.Invariant($"{key} must be between {min} and {max} (got {value})."));
        }
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(FormattableString.Invariant($"{key} must be between {min:c} and {max:c} (got {value:c})."));
        }
    }
}
