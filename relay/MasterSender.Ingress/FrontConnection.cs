using System.Net.Sockets;

namespace MasterSender.Ingress;

/// <summary>One connection to the EA port: the EA's socket and, once its handshake passed, the one to the ROUTER.</summary>
internal sealed class FrontConnection(Socket client, long acceptedAtMs) : IDisposable
{
    private readonly CancellationTokenSource _closing = new();

    public Socket Client { get; } = client;
    public Socket? Router { get; set; }
    public long AcceptedAtMs { get; } = acceptedAtMs;
    public string Remote { get; } = client.RemoteEndPoint?.ToString() ?? "?";

    /// <summary>Its handshake passed and it talks to the ROUTER: an EA, not an idle or unknown connection.</summary>
    public bool Established { get; set; }

    /// <summary>Why the front door closed it (shed for a newer one, router rebuilt); null while the peer decides.</summary>
    public string? ClosedBecause { get; private set; }

    public CancellationToken Closing => _closing.Token;

    public void Close(string? because = null)
    {
        ClosedBecause ??= because;
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
