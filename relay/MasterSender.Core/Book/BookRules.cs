namespace MasterSender.Core.Book;

/// <summary>Settings of the book's rules, from configuration.</summary>
public sealed record BookRules
{
    /// <summary>The default of <c>Signals:MaxOpenAge</c>.</summary>
    public static readonly TimeSpan DefaultMaxOpenAge = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>Signals:MaxOpenAge</c>: a position the master opened longer ago than this (by its open time on the trade
    /// server's clock) never yields an OPEN, whichever way it reaches the book; it is adopted silently. Null: no limit.
    /// </summary>
    public TimeSpan? MaxOpenAge { get; init; }
}

/// <summary>A position or pending order that went missing without evidence: no signal until it is resolved.</summary>
/// <param name="Kind"><see cref="UnconfirmedKinds.Position"/> or <see cref="UnconfirmedKinds.Order"/>.</param>
/// <param name="Identifier">The position's identifier (its book key); for an order, its ticket.</param>
/// <param name="SinceMs">Relay clock (Unix ms) when it went missing.</param>
public sealed record UnconfirmedItem(string Kind, long Ticket, long Identifier, string Symbol, long SinceMs);

public static class UnconfirmedKinds
{
    public const string Position = "position";
    public const string Order = "order";
}
