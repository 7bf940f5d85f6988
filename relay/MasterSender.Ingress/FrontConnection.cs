using System.Net.Sockets;

namespace MasterSender.Ingress;

/// <summary>
/// One connection to the EA port: the EA's socket and, once its handshake passed, the one to the ROUTER.
/// Owner: its serving task (in <see cref="IngressFront"/>) sets <see cref="Router"/> and copies bytes;
/// <see cref="Established"/> changes under the front door's lock; <see cref="LastInboundMs"/> is written by the copy
/// task and read by the accept loop, hence volatile; <see cref="Close"/> may come from any thread.
/// </summary>
internal sealed class FrontConnection(Socket client, long acceptedAtMs) : IDisposable
{
    private readonly CancellationTokenSource _closing = new();

    public Socket Client { get; } = client;
    public Socket? Router { get; set; }
    public long AcceptedAtMs { get; } = acceptedAtMs;
    public string Remote { get; } = client.RemoteEndPoint?.ToString() ?? "?";

    /// <summary>Its handshake passed and it talks to the ROUTER.</summary>
    public bool Established { get; set; }

    /// <summary>When the peer last sent bytes (written by its copy task, read when the front door needs room). An EA
    /// sends a heartbeat every second; a connection silent for longer than <c>Ingress:TerminalTimeout</c> is not one.</summary>
    public long LastInboundMs
    {
        get => Volatile.Read(ref _lastInboundMs);
        set => Volatile.Write(ref _lastInboundMs, value);
    }

    private long _lastInboundMs = acceptedAtMs;

    public CancellationToken Closing => _closing.Token;

    public void Close()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed and disposed.
        }

        Client.Dispose();
        Router?.Dispose();
    }

    public void Dispose()
    {
        Close();
        _closing.Dispose();
    }
}
