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
    /// every <see cref="KeepAlive"/>, which also keeps proxies and the browser from timing out). Ends when the browser
    /// goes or the relay stops: an open page must not hold a stopping relay (Kestrel waits for open requests).</summary>
    private static async Task StreamEvents(HttpContext context, IStatusSources sources, ChangeFeed changes, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancel = stopping.Token;
        string? last = null;
        while (!cancel.IsCancellationRequested)
        {
            var json = JsonSerializer.Serialize(sources.Status(), StatusJsonContext.Default.StatusView);
            try
            {
                if (json != last)
                {
                    await context.Response.WriteAsync($"event: status\ndata: {json}\n\n", cancel);
                    last = json;
                }
                else
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", cancel);
                }

                await context.Response.Body.FlushAsync(cancel);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                return;
            }

            await changes.WaitAsync(KeepAlive, time, cancel);
        }
    }
}
