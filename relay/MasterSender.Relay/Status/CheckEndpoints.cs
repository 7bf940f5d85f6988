using System.Text.Json;
using System.Text.Json.Serialization;
using MasterSender.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MasterSender.Relay.Status;

/// <summary>
/// <c>GET /api/check/signals?since=&lt;unix ms&gt;</c>: the signals derived since then, for mql5/Scripts/MasterSenderCheck.mq5,
/// which trades on a demo account and compares what the relay made of each trade with what it did. Read-only, so
/// the page's Host check (LocalOnlyMiddleware) is its guard, as for the other GETs; no antiforgery token is needed.
/// </summary>
public static class CheckEndpoints
{
    /// <summary>A check makes a dozen trades; this bounds the answer when <c>since</c> reaches far back.</summary>
    public const int MaxSignals = 500;

    public static RouteGroupBuilder MapCheckSignals(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/check/signals", SignalsSince);
        return api;
    }

    private static Results<JsonHttpResult<CheckSignalsView>, ProblemHttpResult> SignalsSince(SqliteOutbox outbox, TimeProvider time, string? since)
    {
        if (!long.TryParse(since, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sinceMs))
        {
            return TypedResults.Problem("since is required: a time in Unix milliseconds (relay clock), e.g. ?since=1767261600000.", statusCode: StatusCodes.Status400BadRequest);
        }

        var signals = outbox.CreatedSince(sinceMs, MaxSignals).Select(ToView).ToList();
        return TypedResults.Json(new CheckSignalsView(sinceMs, time.GetUtcNow().ToUnixTimeMilliseconds(), signals), CheckJsonContext.Default.CheckSignalsView);
    }

    private static CheckSignalView ToView(OutboxSignal signal)
    {
        // The fields come from the exact body that is signed and sent: what the check sees is what followers get.
        using var body = JsonDocument.Parse(signal.Body);
        var root = body.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        double Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        long? Integer(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
        var state = signal.State == OutboxState.Pending && signal.Attempts > 0 ? "retrying" : signal.State.ToString().ToLowerInvariant();
        return new CheckSignalView(
            signal.IdempotencyKey, signal.Action, signal.Ticket, Text("symbol") ?? "", Text("type") ?? "",
            Number("volume"), Number("price"), Number("sl"), Number("tp"), Text("reason"), Integer("order_ticket"),
            signal.CreatedAtMs, state, signal.LastError);
    }
}

/// <summary>The answer: the query's <c>since</c>, the relay's clock now (so a caller can see a skewed clock), the signals oldest first.</summary>
public sealed record CheckSignalsView(long Since, long NowMs, IReadOnlyList<CheckSignalView> Signals);

/// <summary>One signal as the check compares it. <c>State</c> is the delivery state: pending, retrying, sent, rejected,
/// expired or superseded.</summary>
public sealed record CheckSignalView(
    string Key,
    string Action,
    long Ticket,
    string Symbol,
    string Type,
    double Volume,
    double Price,
    double Sl,
    double Tp,
    string? Reason,
    long? OrderTicket,
    long CreatedAtMs,
    string State,
    string? LastError);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CheckSignalsView))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;
