using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MasterSender.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// The outbox at <c>Storage:Path</c>/outbox.db, as the pipeline's <see cref="ISignalJournal"/>, with the
    /// <c>Storage</c> section validated at start. Safe to call more than once: the broadcast calls it for the outbox it
    /// delivers from, and the host may too.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(SqliteOutbox)))
        {
            return services;
        }

        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SqliteOutbox(sp.GetRequiredService<IOptions<StorageOptions>>().Value.OutboxPath, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISignalJournal>(sp => sp.GetRequiredService<SqliteOutbox>());
        return services;
    }
}
