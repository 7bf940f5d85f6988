using System.Globalization;
using System.Text.Json;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MasterSender.SandboxApi;

/// <summary>The central API's contract (docs/api-contract.md), verifying HMAC the way the seed's Python does.</summary>
public static class SandboxApi
{
    private static readonly int[] UnknownField = [1, 2];

    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder routes, SandboxApiState state)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(state);
        var api = routes.MapGroup("").AddEndpointFilter((context, next) => SandboxFaultFilter.ApplyAsync(state, context, next));
        api.MapPost("/token", (HttpRequest request) => TokenAsync(state, request)).DisableAntiforgery();
        api.MapGet("/users/me", (HttpRequest request) => Me(state, request));
        api.MapPost("/signal/broadcast", (HttpRequest request) => BroadcastAsync(state, request));
        api.MapPost("/mt5/status", (HttpRequest request) => PostStatusAsync(state, request));
        api.MapGet("/mt5/status/{userId:long}", (long userId) => GetStatus(state, userId));
        return routes;
    }

    private static async Task<Results<Ok<TokenAnswer>, UnauthorizedHttpResult, BadRequest<Detail>>> TokenAsync(SandboxApiState state, HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.BadRequest(new Detail("expected an OAuth2 password form"));
        }

        var form = await request.ReadFormAsync().ConfigureAwait(false);
        return form["username"] == state.Username && form["password"] == state.Password
            ? TypedResults.Ok(new TokenAnswer(state.IssueToken(), "bearer"))
            : TypedResults.Unauthorized();
    }

    private static IResult Me(SandboxApiState state, HttpRequest request) =>
        state.IsValid(Bearer(request))
            ? TypedResults.Ok(new Dictionary<string, object?>
            {
                ["id"] = state.UserId,
                ["username"] = state.Username,
                ["allowed_mt5_id"] = state.AllowedMt5Id,
                ["mt5_path"] = state.Mt5Path,
                ["subscription"] = "pro",
                ["active_clients"] = 3,
                ["a_field_the_relay_does_not_know"] = UnknownField,
            })
            : Unauthorized();

    private static async Task<IResult> BroadcastAsync(SandboxApiState state, HttpRequest request)
    {
        state.CountBroadcastCall();
        var token = Bearer(request);
        if (!state.IsValid(token))
        {
            return Unauthorized();
        }

        var body = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        IReadOnlyDictionary<string, object?> payload;
        try
        {
            payload = CanonicalJson.Parse(body) as IReadOnlyDictionary<string, object?> ?? throw new FormatException("not an object");
        }
        catch (Exception malformed) when (malformed is JsonException or FormatException)
        {
            return TypedResults.BadRequest(new Detail("body is not a JSON object"));
        }

        // The seed's server: json.dumps(parsed, sort_keys=True, separators=(',', ':')), then HMAC over "ts.canonical".
        var canonical = CanonicalJson.Serialize(payload);
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        if (canonical != body || !SignalSigner.Verify(token!, timestamp, canonical, signature))
        {
            state.CountBadSignature();
            return TypedResults.Json(new Detail("invalid signature"), SandboxJsonContext.Default.Detail, statusCode: StatusCodes.Status403Forbidden);
        }

        if (payload.GetValueOrDefault("idempotency_key") is not string key)
        {
            return TypedResults.UnprocessableEntity(new Detail("idempotency_key is required"));
        }

        if (state.Faults.Refuse(key))
        {
            return TypedResults.UnprocessableEntity(new Detail($"symbol not tradable for followers ({key})"));
        }

        var ticket = Convert.ToInt64(payload.GetValueOrDefault("master_ticket") ?? 0L, CultureInfo.InvariantCulture);
        return state.TryRecord(key, ticket, payload.GetValueOrDefault("action") as string ?? "", body)
            ? TypedResults.Ok(new Dictionary<string, object> { ["status"] = "ok", ["idempotency_key"] = key })
            : TypedResults.Conflict(new Detail("duplicate idempotency key"));
    }

    private static async Task<IResult> PostStatusAsync(SandboxApiState state, HttpRequest request)
    {
        if (!state.IsValid(Bearer(request)))
        {
            return Unauthorized();
        }

        var body = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        state.RecordStatus(state.UserId, body);
        return TypedResults.Ok(new Dictionary<string, string> { ["status"] = "ok" });
    }

    private static IResult GetStatus(SandboxApiState state, long userId) =>
        state.StatusOf(userId) is { } json ? TypedResults.Text(json, "application/json") : TypedResults.NotFound(new Detail("no status yet"));

    private static JsonHttpResult<Detail> Unauthorized() =>
        TypedResults.Json(new Detail("Could not validate credentials"), SandboxJsonContext.Default.Detail, statusCode: StatusCodes.Status401Unauthorized);

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    internal sealed record Detail(string detail);

    internal sealed record TokenAnswer(string access_token, string token_type);
}
