namespace MasterSender.Core.Signals;

/// <summary>What a follower must do. The wire names are the enum names in upper snake case.</summary>
public enum SignalAction
{
    Open,
    Modify,
    PartialClose,
    Increase,
    Close,
    OrderPlaced,
    OrderModified,
    OrderDeleted,
}

public static class SignalActionNames
{
    public static string ToWire(this SignalAction action) => action switch
    {
        SignalAction.Open => "OPEN",
        SignalAction.Modify => "MODIFY",
        SignalAction.PartialClose => "PARTIAL_CLOSE",
        SignalAction.Increase => "INCREASE",
        SignalAction.Close => "CLOSE",
        SignalAction.OrderPlaced => "ORDER_PLACED",
        SignalAction.OrderModified => "ORDER_MODIFIED",
        SignalAction.OrderDeleted => "ORDER_DELETED",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static bool TryParse(string wire, out SignalAction action)
    {
        foreach (var candidate in Enum.GetValues<SignalAction>())
        {
            if (candidate.ToWire() == wire)
            {
                action = candidate;
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>
    /// Opening signals go stale: a follower must not open a trade long after the master did.
    /// Everything that reduces exposure is always delivered.
    /// </summary>
    public static bool CanExpire(this SignalAction action) =>
        action is SignalAction.Open or SignalAction.OrderPlaced or SignalAction.Increase;
}
