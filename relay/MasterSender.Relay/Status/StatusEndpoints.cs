using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MasterSender.Broadcast;
using MasterSender.Relay.Hosting;

namespace MasterSender.Relay.Status;

/// <summary>The page, its JSON and its live feed on 127.0.0.1.</summary>
public static class StatusEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(2);

    public static WebApplication MapStatusPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<LocalOnlyMiddleware>();
        var files = new ManifestEmbeddedFileProvider(typeof(StatusEndpoints).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        var api = app.MapGroup("/api");
        api.MapGet("/status", (IStatusSources sources) => TypedResults.Json(sources.Status(), StatusJsonContext.Default.StatusView));
        api.MapGet("/signals", (IStatusSources sources, int? recent) =>
            TypedResults.Json(sources.Signals(Math.Clamp(recent ?? 100, 1, 1000)), StatusJsonContext.Default.SignalsView));
        api.MapGet("/antiforgery", (IAntiforgery antiforgery, HttpContext context) =>
            TypedResults.Json(new AntiforgeryView(antiforgery.GetAndStoreTokens(context).RequestToken!), StatusJsonContext.Default.AntiforgeryView));
        api.MapGet("/events", StreamEvents);
        api.MapPost("/login", LoginAsync);
        api.MapPost("/logout", LogoutAsync);
        api.MapCheckSignals();
        api.MapPost("/settings/api-url", SaveApiUrlAsync);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LoginAsync(HttpContext context, IAntiforgery antiforgery, IStatusSources sources, ChangeFeed changes)
    {
        if (await RejectForgery(context, antiforgery) is { } forged)
        {
            return forged;
        }

        LoginRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, StatusJsonContext.Default.LoginRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (string.IsNullOrWhiteSpace(request?.Username) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.Problem("User name and password are both required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var error = await sources.LoginAsync(request.Username.Trim(), request.Password, context.RequestAborted);
        changes.Notify();
        return error is null
            ? TypedResults.NoContent()
            : TypedResults.Problem(error, statusCode: StatusCodes.Status401Unauthorized, title: "Login failed");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext context, IAntiforgery antiforgery, IStatusSources sources, ChangeFeed changes)
    {
        if (await RejectForgery(context, antiforgery) is { } forged)
        {
            return forged;
        }

        await sources.LogoutAsync(context.RequestAborted);
        changes.Notify();
        return TypedResults.NoContent();
    }

    /// <summary>The page's answer to a relay started without Api:Url: stores the URL (settings.json) and restarts.</summary>
    private static async Task<Results<Ok<SettingsSavedView>, ProblemHttpResult>> SaveApiUrlAsync(HttpContext context, IAntiforgery antiforgery, IOptions<ApiOptions> options, PageSettings settings)
    {
        if (await RejectForgery(context, antiforgery) is { } forged)
        {
            return forged;
        }

        if (options.Value.IsConfigured)
        {
            return TypedResults.Problem($"Api:Url is already set ({options.Value.Url}); change it where it was set.", statusCode: StatusCodes.Status409Conflict);
        }

        ApiUrlRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, StatusJsonContext.Default.ApiUrlRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        var url = request?.Url?.Trim() ?? "";
        if (ApiOptions.CheckUrl(url, options.Value.AllowInsecureHttp) is { } wrong)
        {
            return TypedResults.Problem(wrong, statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(new SettingsSavedView(settings.SaveApiUrl(url)
            ? "Saved. The relay restarts with it; this page reconnects by itself."
            : "Saved. Restart the MasterSenderRelay service to use it."));
    }

    private static async Task<ProblemHttpResult?> RejectForgery(HttpContext context, IAntiforgery antiforgery) =>
        await antiforgery.IsRequestValidAsync(context)
            ? null
            : TypedResults.Problem("Missing or invalid antiforgery token: reload the page.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Server-sent events: a <c>status</c> event at once, then whenever something changed (checked at least
    /// every <see cref="KeepAlive"/>; an unchanged check sends an empty <c>keep-alive</c> event, which browsers do not
    /// dispatch, and which keeps proxies and the browser from timing out and finds a browser that has gone). Ends when
    /// the browser goes or the relay stops: an open page must not hold a stopping relay (Kestrel waits for open requests).</summary>
    private static ServerSentEventsResult<string> StreamEvents(HttpContext context, IStatusSources sources, ChangeFeed changes, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.ServerSentEvents(StatusEvents(sources, changes, time, lifetime.ApplicationStopping));
    }

    /// <param name="cancel">The relay's stopping token, combined by the compiler with the request's (the result
    /// enumerates with <c>RequestAborted</c>): either ends the stream normally, so the response completes.</param>
    private static async IAsyncEnumerable<SseItem<string>> StatusEvents(IStatusSources sources, ChangeFeed changes, TimeProvider time, [EnumeratorCancellation] CancellationToken cancel)
    {
        string? last = null;
        while (!cancel.IsCancellationRequested)
        {
            var json = JsonSerializer.Serialize(sources.Status(), StatusJsonContext.Default.StatusView);
            yield return json == last ? new SseItem<string>("", "keep-alive") : new SseItem<string>(json, "status");
            last = json;
            await changes.WaitAsync(KeepAlive, time, cancel); // returns on a change, the period or the end; never throws
        }
    }
}
