using MasterSender.Core.Protocol;

namespace MasterSender.Core.Terminal;

/// <summary>What the relay knows of the master terminal: reported to the API (<c>POST /mt5/status</c>) and shown on the page.</summary>
public sealed record TerminalStatus
{
    public static TerminalStatus Disconnected(string reason) => new() { Connected = false, Reason = reason };

    public required bool Connected { get; init; }

    /// <summary>Why not connected, or why refused; empty when connected.</summary>
    public string Reason { get; init; } = "";
    /// <summary>Connected, but something the user should fix (e.g. the terminal is not the one registered at the API).</summary>
    public string Warning { get; init; } = "";
    public AccountInfo? Account { get; init; }
    public int OpenPositions { get; init; }
    public int PendingOrders { get; init; }
    /// <summary>The terminal's install folder (<c>TERMINAL_PATH</c>) and data folder (<c>TERMINAL_DATA_PATH</c>), from its
    /// hello: what <see cref="Accounts.RegisteredTerminal"/> compares with the API's <c>mt5_path</c>.</summary>
    public string TerminalPath { get; init; } = "";
    public string DataPath { get; init; } = "";
    public string TerminalBuild { get; init; } = "";
    public string EaVersion { get; init; } = "";

    /// <summary>Relay clock, Unix ms, of the last message from the terminal; 0 when never.</summary>
    public long LastMessageAtMs { get; init; }
}

/// <summary>The live terminal status. <see cref="Changed"/> fires when the terminal connects, goes away or is refused
/// (its connection or its reason changes); account figures move without it, so readers that show them read
/// <see cref="Current"/> on their own period.</summary>
public interface ITerminalStatusSource
{
    TerminalStatus Current { get; }

    event Action<TerminalStatus>? Changed;
}
