using MasterSender.Core.Pipeline;
using MasterSender.Core.Terminal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MasterSender.Ingress;

public static class IngressServiceCollectionExtensions
{
    /// <summary>
    /// The EA ingress and the signal pipeline behind it. Needs an <see cref="ISignalJournal"/>, an
    /// <see cref="Core.Accounts.IAllowedAccountProvider"/> and a <see cref="TimeProvider"/> registered by the host.
    /// </summary>
    public static IServiceCollection AddIngress(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngressOptions>()
            .Bind(configuration.GetSection(IngressOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngressOptions>, IngressOptionsValidator>();
        services.AddSingleton<IngressMetrics>();
        services.AddSingleton<TerminalStatusTracker>();
        services.AddSingleton<ITerminalStatusSource>(sp => sp.GetRequiredService<TerminalStatusTracker>());
        services.AddSingleton<SignalPipeline>();
        services.AddSingleton<IngressService>();
        services.AddHostedService(sp => sp.GetRequiredService<IngressService>());
        return services;
    }
}
