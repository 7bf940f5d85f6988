using MasterSender.Core.Terminal;

namespace MasterSender.Ingress;

/// <summary>
/// The live terminal status; replaced whole (immutable records) so readers on other threads need no lock.
/// Owner: the ingress's poller thread is its only writer (the session rules); <see cref="Changed"/> runs there too.
/// </summary>
public sealed class TerminalStatusTracker : ITerminalStatusSource
{
    private TerminalStatus _current = TerminalStatus.Disconnected("No terminal has connected yet. Attach the MasterSender EA to a chart.");

    public TerminalStatus Current => Volatile.Read(ref _current);

    public event Action<TerminalStatus>? Changed;

    internal void Set(TerminalStatus status)
    {
        var previous = _current;
        Volatile.Write(ref _current, status);
        // Account figures move with every snapshot; only connection changes are news to subscribers
        // (the API status report and the page have their own periodic refresh for figures).
        if (previous.Connected != status.Connected || previous.Reason != status.Reason)
        {
            Changed?.Invoke(status);
        }
    }
}
