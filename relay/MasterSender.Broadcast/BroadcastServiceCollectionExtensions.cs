using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace MasterSender.Broadcast;

public static class BroadcastServiceCollectionExtensions
{
    /// <summary>
    /// The outbox at <paramref name="outboxPath"/>, the API session (the account guard), delivery and status
    /// reporting. An <see cref="IApiSessionStore"/> registered before this call is used; otherwise the session lives in memory.
    /// </summary>
    public static IServiceCollection AddBroadcast(this IServiceCollection services, IConfiguration configuration, string outboxPath)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignalOptions>().Bind(configuration.GetSection(SignalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IApiSessionStore, InMemoryApiSessionStore>();
        services.AddSingleton(_ => new SqliteOutbox(outboxPath));
        services.AddSingleton<ISignalJournal>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.AddSingleton<ApiClient>();
        services.AddSingleton<ApiSession>();
        services.AddSingleton<IAllowedAccountProvider>(sp => sp.GetRequiredService<ApiSession>());
        services.AddSingleton<DeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryService>());
        services.AddSingleton<StatusReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusReporter>());
        services.AddHostedService<ApiSessionStarter>();
        services.AddTransient<SigningHandler>();

        services.AddHttpClient(ApiClient.SessionClient).AddStandardResilienceHandler(ConfigureStandard);
        var broadcast = services.AddHttpClient(ApiClient.BroadcastClient);
        broadcast.AddResilienceHandler("broadcast", (pipeline, context) =>
            {
                var api = context.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value;
                if (api.RequestRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = api.RequestRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(100),
                        ShouldRetryAfterHeader = true,
                    });
                }

                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.8,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(api.RequestTimeout);
            });

        // Registered after the resilience handler, so it sits inside it: each retry passes through and is signed afresh.
        broadcast.AddHttpMessageHandler<SigningHandler>();
        return services;
    }

    private static void ConfigureStandard(HttpStandardResilienceOptions options)
    {
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
    }
}
