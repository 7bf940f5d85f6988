using MasterSender.Core.Book;
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
        services.AddSingleton(_ => BookRulesFrom(configuration));
        services.AddSingleton<SignalPipeline>();
        services.AddSingleton<IngressService>();
        services.AddHostedService(sp => sp.GetRequiredService<IngressService>());
        return services;
    }

    /// <summary><c>Signals:MaxOpenAge</c> also bounds which positions may yield an OPEN at all (by their open time).
    /// The broadcast validates the setting and names it when it is wrong; until then the default applies here.</summary>
    private static BookRules BookRulesFrom(IConfiguration configuration) => new()
    {
        MaxOpenAge = TimeSpan.TryParse(configuration["Signals:MaxOpenAge"], System.Globalization.CultureInfo.InvariantCulture, out var age) && age > TimeSpan.Zero
            ? age
            : BookRules.DefaultMaxOpenAge,
    };
}
