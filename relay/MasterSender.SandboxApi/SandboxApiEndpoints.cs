using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MasterSender.SandboxApi;

/// <summary>The central API's contract (docs/api-contract.md), served locally.</summary>
public static class SandboxApiEndpoints
{
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder app, SandboxApiState state)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(state);
        app.MapPost("/token", async (HttpContext context) =>
        {
            if (Unavailable(context, state))
            {
                return Results.Empty;
            }

            var form = await context.Request.ReadFormAsync();
            return form["username"] == state.Username && form["password"] == state.Password
                ? Results.Json(new { access_token = state.IssueToken(), token_type = "bearer" })
                : Results.Json(new { detail = "Incorrect username or password" }, statusCode: 401);
        });

        app.MapGet("/users/me", (HttpContext context) =>
        {
            if (Unavailable(context, state))
            {
                return Results.Empty;
            }

            if (!state.IsValidToken(Bearer(context)))
            {
                return Results.Json(new { detail = "Could not validate credentials" }, statusCode: 401);
            }

            return state.Faults.MalformedUserInfo
                ? Results.Text("{\"id\": 1, \"allowed_mt5_id\": ", "application/json")
                : Results.Json(new
                {
                    id = 1,
                    username = state.Username,
                    allowed_mt5_id = state.AllowedMt5Id,
                    mt5_path = state.Mt5Path,
                    subscription = "Pro (sandbox)",
                    active_clients = 3,
                    created_at = "2024-11-01T00:00:00Z",
                });
        });

        app.MapPost("/signal/broadcast", (Delegate)((HttpContext context) => BroadcastAsync(context, state)));

        app.MapPost("/mt5/status", async (HttpContext context) =>
        {
            if (Unavailable(context, state))
            {
                return Results.Empty;
            }

            if (!state.IsValidToken(Bearer(context)))
            {
                return Results.Json(new { detail = "Could not validate credentials" }, statusCode: 401);
            }

            if (await JsonNode.ParseAsync(context.Request.Body) is JsonObject report)
            {
                state.RecordStatus(report);
            }

            return Results.Json(new { status = "ok" });
        });

        app.MapGet("/mt5/status/{userId}", (string userId) =>
            state.StatusReports is { Count: > 0 } reports ? Results.Text(reports[^1].ToJsonString(), "application/json") : Results.NotFound());
        return app;
    }

    private static async Task<IResult> BroadcastAsync(HttpContext context, SandboxApiState state)
    {
        if (Unavailable(context, state))
        {
            return Results.Empty;
        }

        if (state.Faults.BroadcastDelay > TimeSpan.Zero)
        {
            await Task.Delay(state.Faults.BroadcastDelay, context.RequestAborted);
        }

        if (state.Faults.TakeThrottle())
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(state.Faults.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Results.Json(new { detail = "Too many requests" }, statusCode: 429);
        }

        if (state.Faults.TakeFailure())
        {
            return Results.Json(new { detail = "Injected failure" }, statusCode: state.Faults.FailureStatus);
        }

        var token = Bearer(context);
        if (!state.IsValidToken(token))
        {
            return Results.Json(new { detail = "Could not validate credentials" }, statusCode: 401);
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var timestamp = context.Request.Headers["X-Timestamp"].ToString();
        var signature = context.Request.Headers["X-Signature"].ToString();
        if (Verify(body, token!, timestamp, signature, state.Clock.GetUtcNow()) is { } problem)
        {
            state.BadSignature();
            return Results.Json(new { detail = problem }, statusCode: 401);
        }

        var payload = (JsonObject)JsonNode.Parse(body)!;
        var key = payload["idempotency_key"]?.GetValue<string>();
        if (string.IsNullOrEmpty(key))
        {
            return Results.Json(new { detail = "idempotency_key is required" }, statusCode: 422);
        }

        var isNew = state.Record(new ReceivedSignal(
            key, payload["action"]?.GetValue<string>() ?? "", payload["master_ticket"]?.GetValue<long>() ?? 0, body, state.Clock.GetUtcNow(), payload));
        if (!isNew)
        {
            return Results.Json(new { detail = "Duplicate idempotency_key" }, statusCode: 409);
        }

        return state.Faults.MalformedBroadcastAnswers ? Results.Text("<html>ok</html>", "text/html") : Results.Json(new { status = "ok", id = key });
    }

    /// <summary>As the seed's Python server: parse the body, re-serialise it canonically, HMAC it with the token.</summary>
    private static string? Verify(string body, string token, string timestamp, string signature, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return "X-Timestamp missing or not Unix milliseconds";
        }

        if ((now - DateTimeOffset.FromUnixTimeMilliseconds(ms)).Duration() > TimestampTolerance)
        {
            return "X-Timestamp too far from the server's clock";
        }

        string canonical;
        try
        {
            canonical = CanonicalJson.Serialize(CanonicalJson.Parse(body));
        }
        catch (System.Text.Json.JsonException)
        {
            return "body is not JSON";
        }

        return SignalSigner.Verify(token, timestamp, canonical, signature) ? null : "invalid signature";
    }

    private static string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static bool Unavailable(HttpContext context, SandboxApiState state)
    {
        if (!state.Faults.Down)
        {
            return false;
        }

        context.Abort();
        return true;
    }
}
