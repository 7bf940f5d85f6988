namespace MasterSender.Core.Protocol;

/// <summary>The account figures the EA reports in <c>hello</c> and every <c>snapshot</c> (docs/protocol.md, "account").</summary>
public sealed record AccountInfo
{
    public required long Login { get; init; }
    public required string Server { get; init; }
    public string Company { get; set; } = ""; // set, not init: see Messages.cs
    public string Currency { get; set; } = ""; // set, not init: see Messages.cs
    public double Balance { get; init; }
    public double Equity { get; init; }
    public double Margin { get; init; }
    public double MarginFree { get; init; }

    /// <summary>Percent; 0 when no margin is used.</summary>
    public double MarginLevel { get; init; }
    public long Leverage { get; init; }
    public required MarginMode MarginMode { get; init; }

    internal void Check(FieldValidator check)
    {
        check.Ticket(Login, "login");
        check.Text(Server, "server");
        check.Text(Company, "company");
        check.Text(Currency, "currency", 16);
        check.Finite(Balance, "balance");
        check.Finite(Equity, "equity");
        check.NonNegative(Margin, "margin");
        check.Finite(MarginFree, "margin_free");
        check.NonNegative(MarginLevel, "margin_level");
        check.NonNegative(Leverage, "leverage");
    }
}

public enum MarginMode
{
    Netting,
    Exchange,
    Hedging,
}
