using Microsoft.Extensions.Hosting;

namespace MasterSender.Broadcast;

/// <summary>Logs in at start without holding the host up: the EA port and the page must open even when the API is down.</summary>
internal sealed class ApiSessionStarter(ApiSession session, DeliveryService delivery) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await session.StartAsync(stoppingToken);
        delivery.Wake();
    }
}
