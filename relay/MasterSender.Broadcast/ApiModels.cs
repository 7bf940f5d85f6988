namespace MasterSender.Broadcast;

/// <summary><c>GET /users/me</c>, keeping only what the relay uses; optional fields may be missing.</summary>
public sealed record UserProfile(long Id, string? Username, long AllowedMt5Id, string? Mt5Path, string? Subscription, int? ActiveClients);

public enum BroadcastResult
{
    Sent,

    /// <summary>409 "duplicate idempotency key": an earlier attempt got through; counts as sent.</summary>
    Duplicate,
    Unauthorized,

    /// <summary>4xx the relay cannot fix by retrying: kept with the server's message, never retried.</summary>
    Rejected,

    /// <summary>5xx, 408, 429, timeouts, connection errors: try again later.</summary>
    Transient,
}

public sealed record BroadcastOutcome(BroadcastResult Result, int StatusCode, string Message);

/// <summary>The body of <c>POST /mt5/status</c> (docs/api-contract.md).</summary>
public sealed record StatusReport
{
    public required bool Connected { get; init; }
    public long Login { get; init; }
    public string Server { get; init; } = "";
    public double Balance { get; init; }
    public double Equity { get; init; }
    public double MarginLevel { get; init; }
    public long Leverage { get; init; }
    public int OpenPositions { get; init; }
    public int PendingOrders { get; init; }
    public string Reason { get; init; } = "";
    public string TerminalPath { get; init; } = "";
    public bool PathMismatch { get; init; }
    public long UpdatedAtMsc { get; init; }
}

/// <summary>The answer to "may this terminal be served?": refused with a reason, and a path mismatch to show.</summary>
public sealed record AccountCheck(bool Allowed, string Reason, bool PathMismatch)
{
    public static AccountCheck Refused(string reason) => new(false, reason, false);
}

/// <summary>The API could not be used (unreachable, malformed answer, refused login); the message says which.</summary>
public sealed class ApiException(string message, bool credentialsRefused = false) : Exception(message)
{
    public bool CredentialsRefused { get; } = credentialsRefused;
}

/// <summary>Snake-case JSON for <see cref="StatusReport"/>, generated at compile time (the relay is trimmed and AOT-compiled).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusReportJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
