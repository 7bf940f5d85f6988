using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace MasterSender.Broadcast;

public static class BroadcastServiceCollectionExtensions
{
    /// <summary>Outbox (<see cref="OutboxServiceCollectionExtensions.AddOutbox"/>), API session (the account guard), delivery and status reporting, configured from <c>Api</c>, <c>Signals</c>, <c>Storage</c>.</summary>
    public static IHostApplicationBuilder AddBroadcast(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBroadcast(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddBroadcast(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddOptions<SignalOptions>().Bind(configuration.GetSection(SignalOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddSingleton<IValidateOptions<SignalOptions>, SignalOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        services.AddOutbox(configuration);
        services.TryAddSingleton<ApiHealth>();
        services.TryAddSingleton<ApiClient>();
        services.TryAddSingleton<ApiSession>();
        services.TryAddSingleton<IAllowedAccountProvider>(sp => sp.GetRequiredService<ApiSession>());
        services.TryAddSingleton<SignalSender>();
        services.TryAddSingleton(sp =>
        {
            var delivery = ActivatorUtilities.CreateInstance<DeliveryService>(sp);
            // Each durable commit wakes delivery for the tickets it touched. The pipeline is AddIngress's; without it
            // (the broadcast tests) whoever commits calls Notify. Resolved with the hosted services, before any starts.
            sp.GetService<SignalPipeline>()?.Committed += (login, signals) => delivery.Notify(login, signals.Select(signal => signal.MasterTicket));
            return delivery;
        });
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryService>());
        services.AddHostedService<SessionKeeper>();
        services.AddSingleton<HistoryCleaner>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryCleaner>());
        services.TryAddSingleton<StatusReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusReporter>());

        services.AddTransient<SigningHandler>();
        var client = services.AddHttpClient(ApiClient.HttpClientName, (sp, http) =>
            {
                var url = sp.GetRequiredService<IOptions<ApiOptions>>().Value.Url;
                if (!string.IsNullOrWhiteSpace(url))
                {
                    http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
                }

                http.Timeout = Timeout.InfiniteTimeSpan; // The pipeline's timeouts rule, on the TimeProvider.
            });
        // The handler lives as long as the relay (one connection pool, kept warm; a new one every two minutes, the
        // factory's default, meant a fresh connection and TLS handshake for the next signal), and its connections are
        // renewed every few minutes instead, so a changed DNS entry is still followed. No cookies (the API
        // authenticates by bearer token: a cookie jar only costs a lookup per request) and no decompression (the API
        // answers a few bytes). The system proxy stays: a VPS may need it.
        client.SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        client.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
        // The factory's logging handlers log at Information, which the relay filters out for this source, but still
        // open a log scope per request: the relay's own lines (ApiHealth, SignalSender) say what it needs.
        client.RemoveAllLoggers();
        client.AddResilienceHandler("central-api", ConfigurePipeline);
        client.AddHttpMessageHandler<SigningHandler>(); // Inside the pipeline: runs, and re-signs, once per attempt.
        return services;
    }

    /// <summary>
    /// Outer total timeout, then jittered exponential quick retries of transient answers (5xx, 408, 429 honouring
    /// Retry-After, connection errors, attempt timeouts), and the per-attempt timeout innermost. The circuit breaker is
    /// the relay's own (<see cref="ApiHealth"/>): a broadcast it holds back must not count as a failed attempt, and the
    /// waiting signals must all go the moment the API answers again, which Polly's breaker cannot tell delivery.
    /// </summary>
    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var api = context.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value;
        // Retry delays, Retry-After waits, timeouts and the breaker's clock all follow the relay's TimeProvider.
        pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
        pipeline.AddTimeout(api.TotalTimeout);
        if (api.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = api.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = api.RetryDelay,
                ShouldRetryAfterHeader = true,
            });
        }

        pipeline.AddTimeout(api.AttemptTimeout);
    }
}
