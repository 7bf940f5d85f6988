using System.Text.Json.Serialization;

namespace MasterSender.Relay.Status;

// The JSON of GET /api/status and GET /api/signals (snake_case). Secrets never appear in these types.

public sealed record StatusView(RelayView Relay, TerminalView Terminal, ApiView Api, SignalCountsView Signals, IngressView Ingress, IReadOnlyList<UnconfirmedView> Unconfirmed);

public sealed record RelayView(string Version, DateTimeOffset StartedAt, bool Demo);

/// <summary><paramref name="PathMismatch"/>: the connected terminal is not the API's registered
/// <paramref name="RegisteredMt5Path"/> (<see cref="Core.Accounts.RegisteredTerminal"/>, the rule the status report's
/// <c>path_mismatch</c> follows); the page words the warning in its language from the two paths.</summary>
public sealed record TerminalView(
    bool Connected,
    string Reason,
    string Warning,
    bool PathMismatch,
    string TerminalPath,
    string? RegisteredMt5Path,
    long? Login,
    string? Server,
    string? Company,
    string? Currency,
    double? Balance,
    double? Equity,
    double? MarginLevel,
    long? Leverage,
    string? MarginMode,
    int OpenPositions,
    int PendingOrders,
    string EaVersion,
    string TerminalBuild,
    long LastMessageAtMs);

/// <summary>The API as the page shows it. <paramref name="State"/>: <c>ok</c>, <c>failing</c> (the last call failed) or
/// <c>circuit_open</c> (signals wait; <paramref name="NextProbeAtMs"/> says when one goes as a probe).
/// <paramref name="LastError"/>: why the login failed, else the API's current problem. <paramref name="Insecure"/>:
/// http:// to another host, allowed by Api:AllowInsecureHttp.</summary>
public sealed record ApiView(
    string Url,
    bool LoggedIn,
    string? Username,
    long? AllowedLogin,
    string? Subscription,
    int? ActiveClients,
    string? LastError,
    string State = "ok",
    string? Problem = null,
    long? NextProbeAtMs = null,
    bool Insecure = false);

public sealed record SignalCountsView(long Produced, long Sent, long Pending, long Failed, long Rejected, long Expired, long Superseded);

/// <param name="ConnectionsRefused">Connections the EA port's front door closed (cap, handshake timeout or refused,
/// frame too large); <paramref name="LastConnectionRefusal"/> names the cause of the last one.</param>
/// <param name="SocketRestarts">Times NetMQ failed on the socket thread and the ROUTER was rebuilt;
/// <paramref name="LastSocketError"/> is what it threw the last time.</param>
/// <param name="Replayed">Messages dropped because their seq was at or below the last applied one.</param>
/// <param name="DroppedItems">Invalid positions/orders left out of snapshots whose other items were applied.</param>
/// <param name="Lookups">lookup messages sent for unconfirmed items.</param>
public sealed record IngressView(
    int Port, long Frames, long Malformed, long Resyncs, long SessionsRefused,
    long ConnectionsOpen, long ConnectionsRefused, string? LastConnectionRefusal, long SocketRestarts, string? LastSocketError,
    long Replayed, long DroppedItems, long Lookups);

/// <summary>A position or order that went missing without evidence: no signal yet, the relay keeps asking the EA.</summary>
public sealed record UnconfirmedView(string Kind, long Ticket, long Identifier, string Symbol, DateTimeOffset Since, long AgeMs);

public sealed record SignalsView(IReadOnlyList<ActivePositionView> Active, IReadOnlyList<PendingOrderView> Orders, IReadOnlyList<SignalLogEntry> Recent);

public sealed record ActivePositionView(long Ticket, string Symbol, string Type, double Volume, double PriceOpen, double Sl, double Tp, double PriceCurrent, double Profit, long OpenedAtMs);

public sealed record PendingOrderView(long Ticket, string Symbol, string Type, double Volume, double PriceOpen, double Sl, double Tp);

public sealed record SignalLogEntry(
    string Key,
    string Action,
    string Symbol,
    string Type,
    double Volume,
    double Price,
    long Ticket,
    string State,
    int Attempts,
    string? LastError,
    long CreatedAtMs,
    long? LatencyMs);

public sealed record LoginRequest(string? Username, string? Password);

public sealed record AntiforgeryView(string Token);

public sealed record ApiUrlRequest(string? Url);

public sealed record SettingsSavedView(string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(SignalsView))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(AntiforgeryView))]
[JsonSerializable(typeof(ApiUrlRequest))]
[JsonSerializable(typeof(SettingsSavedView))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
