using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MasterSender.SandboxApi;

/// <summary>Applies <see cref="SandboxFaults"/> before any endpoint runs.</summary>
internal static class SandboxFaultFilter
{
    public static async ValueTask<object?> ApplyAsync(SandboxApiState state, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        state.Enter();
        try
        {
            return await FaultOrNextAsync(state, context, next).ConfigureAwait(false);
        }
        finally
        {
            state.Leave();
        }
    }

    private static async ValueTask<object?> FaultOrNextAsync(SandboxApiState state, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var faults = state.Faults;
        var http = context.HttpContext;
        if (faults.Down)
        {
            http.Abort();
            return Results.Empty;
        }

        var isBroadcast = http.Request.Path.StartsWithSegments("/signal/broadcast", StringComparison.Ordinal);
        if (isBroadcast && faults.HoldBroadcasts is { } hold)
        {
            faults.CountHeld();
            await hold.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        }

        if (isBroadcast && faults.BroadcastDelay > TimeSpan.Zero)
        {
            await Task.Delay(faults.BroadcastDelay, http.RequestAborted).ConfigureAwait(false);
        }

        if (faults.TakeFailure())
        {
            return Results.Json(new Dictionary<string, string> { ["detail"] = "injected failure" }, SandboxJsonContext.Default.DictionaryStringString, statusCode: faults.FailStatus);
        }

        if (isBroadcast && faults.RefuseBroadcastTokens)
        {
            return Results.Json(new Dictionary<string, string> { ["detail"] = "Could not validate credentials" }, SandboxJsonContext.Default.DictionaryStringString, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (faults.TakeTooMany())
        {
            http.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Results.Json(new Dictionary<string, string> { ["detail"] = "slow down" }, SandboxJsonContext.Default.DictionaryStringString, statusCode: StatusCodes.Status429TooManyRequests);
        }

        return faults.TakeMalformed() ? Results.Text("{\"access_token\": oops", "application/json") : await next(context).ConfigureAwait(false);
    }
}
