using System.ComponentModel.DataAnnotations;

namespace MasterSender.Broadcast;

/// <summary>Configuration section <c>Api</c>. The password is never logged; prefer the status page or `login`.</summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string Section = "Api";

    /// <summary><c>Api:Url</c>: base URL of the signal API.</summary>
    public string? Url { get; set; }

    /// <summary><c>Api:Username</c> and <c>Api:Password</c>: log in at start without the page.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary><c>Api:RequestTimeout</c>: one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Api:RequestRetries</c>: quick retries inside one delivery attempt (jittered, Retry-After honoured);
    /// the outbox retries for as long as it takes after that.</summary>
    [Range(0, 10)]
    public int RequestRetries { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Url) && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"Api:Url must be an absolute http(s) URL, not '{Url}'.", [nameof(Url)]);
        }
    }
}

/// <summary>Configuration section <c>Signals</c>.</summary>
public sealed class SignalOptions
{
    public const string Section = "Signals";

    /// <summary><c>Signals:MaxOpenAge</c>: an OPEN, ORDER_PLACED or INCREASE that could not be sent within this age
    /// is marked expired instead: a follower must not open a trade long after the master did. Closes are always sent.</summary>
    public TimeSpan MaxOpenAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Signals:MaxParallelSends</c>: tickets delivered at once (each ticket stays in order).</summary>
    [Range(1, 256)]
    public int MaxParallelSends { get; set; } = 32;

    /// <summary><c>Signals:StatusInterval</c>: the seed reported the terminal's status every 60 s.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(60);
}
