using MasterSender.Broadcast;
using MasterSender.Core.Accounts;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Terminal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MasterSender.Relay.Status;

public static class StatusPageServices
{
    /// <summary>
    /// The page's sources (ingress, outbox, API session), its live feed and the API health the EA is told in each
    /// heartbeat reply. Needs the outbox, the broadcast and the ingress registered too.
    /// </summary>
    public static IServiceCollection AddStatusPage(this IServiceCollection services)
    {
        services.AddSingleton(ChangeFeedOf);
        services.AddSingleton<ISignalLedger, OutboxLedger>();
        services.AddSingleton<IApiAccess, SessionAccess>();
        services.AddSingleton<IStatusSources, RelayStatusSources>();
        services.AddSingleton<ApiHealthMonitor>();
        services.AddSingleton<IApiHealth>(sp => sp.GetRequiredService<ApiHealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<ApiHealthMonitor>());
        services.AddAntiforgery(options =>
        {
            options.HeaderName = "X-CSRF-TOKEN";
            options.Cookie.Name = "MasterSender.Antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, StatusJsonContext.Default));
        return services;
    }

    /// <summary>
    /// The feed wakes on what changes what the page shows: a commit, a delivery outcome, the API session or health, the
    /// terminal. Figures that drift (equity) are picked up by the feed's own periodic check. Subscribed when the feed is
    /// made, that is when the first page asks for it: before that nobody listens.
    /// </summary>
    private static ChangeFeed ChangeFeedOf(IServiceProvider services)
    {
        var changes = new ChangeFeed();
        services.GetRequiredService<SignalPipeline>().Committed += (_, _) => changes.Notify();
        services.GetRequiredService<DeliveryService>().Completed += (_, _) => changes.Notify();
        services.GetRequiredService<ApiSession>().Changed += changes.Notify;
        services.GetRequiredService<ApiHealth>().Changed += changes.Notify;
        services.GetRequiredService<ITerminalStatusSource>().Changed += _ => changes.Notify();
        return changes;
    }
}
