namespace MasterSender.Core.Accounts;

/// <summary>Whether the signal API is taking this relay's signals now, as the relay last saw it; told to the EA in
/// every heartbeat reply so it can warn the trader when copying has stopped (docs/protocol.md, "heartbeat").</summary>
public sealed record ApiHealthState(bool Ok, string Error)
{
    public static ApiHealthState Healthy { get; } = new(true, "");
}

public interface IApiHealth
{
    ApiHealthState Current { get; }
}
