namespace MasterSender.Ingress;

/// <summary>Configuration section <c>Ingress</c>; the ranges are checked at start by <see cref="IngressOptionsValidator"/>.</summary>
public sealed class IngressOptions
{
    public const string Section = "Ingress";
    public const int DefaultPort = 47800;

    /// <summary><c>Ingress:Port</c>: the TCP port on 127.0.0.1 the EA connects to. 0 picks a free port (tests, demo).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary><c>Ingress:PairingKey</c>: when set, an EA whose <c>PairingKey</c> input differs is refused.</summary>
    public string? PairingKey { get; set; }

    /// <summary><c>Ingress:TerminalTimeout</c>: no message for this long marks the terminal disconnected.</summary>
    public TimeSpan TerminalTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>Ingress:HeartbeatInterval</c>: told to the EA in <c>welcome</c>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>Ingress:MaxConnections</c>: connections to the EA port open at once (one EA needs one). When
    /// full, the oldest connection still in its handshake is closed for a new one, else the one silent longest if it has
    /// been silent past <see cref="TerminalTimeout"/>, else the new one.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary><c>Ingress:HandshakeTimeout</c>: a connection that has not finished its ZMTP handshake (greeting and
    /// READY) this long after it opened is closed. The EA needs a few milliseconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary><c>Ingress:LookupInterval</c>: while positions or orders are unconfirmed (missing without evidence),
    /// the relay asks the EA to look them up this often (and at once when they go missing).</summary>
    public TimeSpan LookupInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>Ingress:MaxFrameBytes</c>: a larger frame drops the connection (docs/protocol.md).</summary>
    public int MaxFrameBytes { get; set; } = 4 * 1024 * 1024;
}
