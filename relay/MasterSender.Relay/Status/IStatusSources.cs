namespace MasterSender.Relay.Status;

/// <summary>What the page reads and does; implemented over the ingress, the outbox and the API session.</summary>
public interface IStatusSources
{
    StatusView Status();

    SignalsView Signals(int recent);

    /// <summary>Logs in to the API; returns null on success, else a message for the user (never echoing the password).</summary>
    Task<string?> LoginAsync(string username, string password, CancellationToken cancellationToken);

    Task LogoutAsync(CancellationToken cancellationToken);
}
