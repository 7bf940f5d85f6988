namespace MasterSender.Relay.Status;

/// <summary>The signal history the page shows (the outbox answers it).</summary>
public interface ISignalLedger
{
    SignalCountsView Counts();

    IReadOnlyList<SignalLogEntry> Recent(int count);
}

/// <summary>The API session as the page sees and drives it (the broadcast side answers it).</summary>
public interface IApiAccess
{
    ApiView View();

    /// <summary>Null on success, else a sentence for the user.</summary>
    Task<string?> LoginAsync(string username, string password, CancellationToken cancellationToken);

    Task LogoutAsync(CancellationToken cancellationToken);
}
