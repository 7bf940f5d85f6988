using Microsoft.Extensions.Options;

namespace MasterSender.Broadcast;

/// <summary>Section <c>Api</c>. Credentials come from environment variables or the status page's login; never logged.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public string Url { get; set; } = "";

    /// <summary><c>Api:AllowInsecureHttp</c>: accept <c>http://</c> for a host other than this machine. The password
    /// and the token (also the signing key) then cross the network in clear; the status page says so in red.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Credentials would cross the network unencrypted: http:// to a host that is not this machine.</summary>
    public bool IsInsecure => Uri.TryCreate(Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback;

    /// <summary>No URL yet: the relay runs and its status page asks for one.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);

    /// <summary>Why <paramref name="url"/> cannot be the API's address, or null when it can.</summary>
    public static string? CheckUrl(string url, bool allowInsecureHttp)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return $"Api:Url must be an absolute http(s) URL of the central API, got '{url}'.";
        }

        return parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback && !allowInsecureHttp
            ? $"Api:Url is http:// to {parsed.Host}: the password and the token would cross the network in clear. Use https://, or set Api:AllowInsecureHttp=true to accept that (the status page then shows a warning)."
            : null;
    }
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>One attempt's limit; the whole call (with retries) gets <see cref="TotalTimeout"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; set; } = 3;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failed calls in a row (each after its quick retries) that open the circuit: broadcasts then wait.</summary>
    public int FailuresToOpen { get; set; } = 5;

    /// <summary>How long the open circuit holds broadcasts back before one goes as a probe; short, because the
    /// waiting signals go the moment a probe gets an answer, and an OPEN must not wait long.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Section <c>Signals</c>.</summary>
public sealed class SignalOptions
{
    public const string Section = "Signals";

    /// <summary>
    /// An OPEN, ORDER_PLACED or INCREASE older than this when it could be sent is marked expired instead: a follower
    /// must not open a trade long after the master did. Default 30 s.
    /// </summary>
    public TimeSpan MaxOpenAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many calls to the API are in flight at once, each for a different ticket; each ticket stays
    /// strictly in order, and tickets take turns signal by signal (<see cref="DeliveryService"/>).</summary>
    public int MaxParallelDeliveries { get; set; } = 128;

    /// <summary>Longest wait between two attempts of a signal the API did not take.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        // No URL is allowed: the relay runs, sends nothing, and its status page asks for the address.
        if (options.IsConfigured && ApiOptions.CheckUrl(options.Url, options.AllowInsecureHttp) is { } wrong)
        {
            return ValidateOptionsResult.Fail(wrong);
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalTimeout < options.AttemptTimeout)
        {
            return ValidateOptionsResult.Fail("Api:AttemptTimeout must be positive and Api:TotalTimeout at least as long.");
        }

        if (options.FailuresToOpen is < 1 or > 1000)
        {
            return ValidateOptionsResult.Fail($"Api:FailuresToOpen must be between 1 and 1000, got {options.FailuresToOpen}.");
        }

        if (options.BreakDuration <= TimeSpan.Zero || options.BreakDuration > TimeSpan.FromMinutes(5))
        {
            return ValidateOptionsResult.Fail($"Api:BreakDuration must be positive and at most 00:05:00, got {options.BreakDuration}.");
        }

        return options.MaxRetries is < 0 or > 10
            ? ValidateOptionsResult.Fail("Api:MaxRetries must be between 0 and 10.")
            : ValidateOptionsResult.Success;
    }
}

internal sealed class SignalOptionsValidator : IValidateOptions<SignalOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalOptions options)
    {
        if (options.MaxOpenAge <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"Signals:MaxOpenAge must be positive (e.g. 00:00:30), got {options.MaxOpenAge}.");
        }

        if (options.MaxRetryDelay <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail("Signals:MaxRetryDelay must be positive.");
        }

        return options.MaxParallelDeliveries is < 1 or > 256
            ? ValidateOptionsResult.Fail($"Signals:MaxParallelDeliveries must be between 1 and 256, got {options.MaxParallelDeliveries}.")
            : ValidateOptionsResult.Success;
    }
}
