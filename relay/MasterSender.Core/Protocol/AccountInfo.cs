namespace MasterSender.Core.Protocol;

/// <summary>The account figures the EA reports in <c>hello</c> and every <c>snapshot</c> (docs/protocol.md, "account").</summary>
public sealed record AccountInfo
{
    public required long Login { get; init; }
    public required string Server { get; init; }
    public string Company { get; init; } = "";
    public string Currency { get; init; } = "";
    public double Balance { get; init; }
    public double Equity { get; init; }
    public double Margin { get; init; }
    public double MarginFree { get; init; }

    /// <summary>Percent; 0 when no margin is used.</summary>
    public double MarginLevel { get; init; }
    public long Leverage { get; init; }
    public required MarginMode MarginMode { get; init; }
}

public enum MarginMode
{
    Netting,
    Exchange,
    Hedging,
}
