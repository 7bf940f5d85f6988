using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// Checks the data annotations on <see cref="IngressOptions"/> with code generated at compile time: the reflection-based
/// <c>ValidateDataAnnotations</c> is not safe in the trimmed and AOT-compiled relay.
/// </summary>
[OptionsValidator]
internal sealed partial class IngressOptionsValidator : IValidateOptions<IngressOptions>;

/// <summary>
/// The time ranges of <see cref="IngressOptions"/>, checked in code: <c>[Range(typeof(TimeSpan), …)]</c> converts its
/// bounds through a TypeConverter found by reflection, which trimming may remove.
/// </summary>
internal sealed class IngressIntervalsValidator : IValidateOptions<IngressOptions>
{
    public ValidateOptionsResult Validate(string? name, IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, "Ingress:HandshakeTimeout", options.HandshakeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Check(failures, "Ingress:LookupInterval", options.LookupInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(FormattableString.Invariant($"{key} must be between {min:c} and {max:c} (got {value:c})."));
        }
    }
}
