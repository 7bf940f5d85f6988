using System.Text.Json;
using MasterSender.Broadcast;
using MasterSender.Outbox;
using Microsoft.Extensions.Options;

namespace MasterSender.Relay.Status;

/// <summary>The page's signal counters and log, read from the outbox.</summary>
internal sealed class OutboxLedger(SqliteOutbox outbox, MasterSender.Ingress.IngressMetrics ingress) : ISignalLedger
{
    public SignalCountsView Counts()
    {
        var counts = outbox.Counts();
        var retrying = outbox.Recent(1000, OutboxState.Pending).Count(s => s.Attempts > 0);
        return new SignalCountsView(ingress.SignalsProduced, counts.Sent, counts.Pending, retrying, counts.Rejected, counts.Expired, counts.Superseded + counts.Replaced);
    }

    public IReadOnlyList<SignalLogEntry> Recent(int count) => outbox.Recent(count).Select(ToEntry).ToList();

    private static SignalLogEntry ToEntry(OutboxSignal signal)
    {
        // The outbox keeps the exact body that is signed; the page reads its fields from there.
        using var body = JsonDocument.Parse(signal.Body);
        var root = body.RootElement;
        string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        double Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        var state = signal.State switch
        {
            OutboxState.Pending when signal.Attempts > 0 => "retrying",
            _ => signal.State.ToString().ToLowerInvariant(),
        };
        return new SignalLogEntry(signal.IdempotencyKey, signal.Action, Text("symbol"), Text("type"), Number("volume"), Number("price"),
            signal.Ticket, state, signal.Attempts, signal.LastError, signal.DetectedAtMs, signal.LatencyMs);
    }
}

/// <summary>The page's view of the API session, and its login and logout.</summary>
internal sealed class SessionAccess(ApiSession session, ApiHealth health, DeliveryService delivery, IOptions<ApiOptions> options) : IApiAccess
{
    public ApiView View()
    {
        var api = health.View();
        return new(
            options.Value.Url,
            session.IsLoggedIn,
            session.Username,
            session.Current?.Login,
            session.Profile?.Subscription,
            session.Profile?.ActiveClients,
            session.LastError ?? api.Problem,
            api.State switch { ApiState.Failing => "failing", ApiState.CircuitOpen => "circuit_open", _ => "ok" },
            api.Problem,
            api.NextProbeAtMs,
            options.Value.IsInsecure);
    }

    public async Task<string?> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        var ok = await session.LoginAsync(username, password, cancellationToken);
        delivery.Notify();
        return ok ? null : session.LastError ?? "Login failed.";
    }

    public Task LogoutAsync(CancellationToken cancellationToken)
    {
        session.Logout();
        return Task.CompletedTask;
    }
}
