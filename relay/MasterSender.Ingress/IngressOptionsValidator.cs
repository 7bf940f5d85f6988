using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

/// <summary>
/// Checks the data annotations on <see cref="IngressOptions"/> with code generated at compile time: the reflection-based
/// <c>ValidateDataAnnotations</c> is not safe in the trimmed and AOT-compiled relay.
/// </summary>
[OptionsValidator]
internal sealed partial class IngressOptionsValidator : IValidateOptions<IngressOptions>;
