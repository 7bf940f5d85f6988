using Microsoft.Extensions.Hosting;

namespace MasterSender.Broadcast;

/// <summary>
/// Logs in at start when credentials are known (configured, or stored from an earlier login), and keeps trying
/// while the API is unreachable: the relay must know its allowed account before the first terminal says hello,
/// not only when the first signal needs a token. Never holds the host's start up.
/// </summary>
public sealed class SessionKeeper(ApiSession session, DeliveryService delivery, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (session.HasCredentials && !session.IsLoggedIn && await session.GetTokenAsync(stoppingToken) is not null)
                {
                    delivery.Notify();
                }
                else if (session.IsLoggedIn && session.Profile is null)
                {
                    // A stored token from before a restart: learn the profile (or that the token is no longer good).
                    await session.RefreshProfileAsync(stoppingToken);
                }

                await Task.Delay(RetryEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
