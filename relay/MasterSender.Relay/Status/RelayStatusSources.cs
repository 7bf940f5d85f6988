using MasterSender.Core.Accounts;
using MasterSender.Core.Protocol;
using MasterSender.Core.Terminal;
using MasterSender.Ingress;

namespace MasterSender.Relay.Status;

/// <summary>Composes the page's view from the ingress (terminal, book), the outbox (signals) and the API session.</summary>
internal sealed class RelayStatusSources(
    ITerminalStatusSource terminal,
    IngressService ingress,
    IngressMetrics metrics,
    ISignalLedger ledger,
    IApiAccess api,
    IAllowedAccountProvider allowed,
    RelayRuntime runtime,
    TimeProvider time) : IStatusSources
{
    public StatusView Status()
    {
        var t = terminal.Current;
        var account = t.Account;
        var registered = allowed.Current?.Mt5Path;
        return new StatusView(
            new RelayView(IngressService.RelayVersion, runtime.StartedAt, runtime.Demo),
            new TerminalView(
                t.Connected, t.Reason, t.Warning, t.Connected && RegisteredTerminal.Mismatch(registered, t.TerminalPath, t.DataPath), t.TerminalPath, registered, account?.Login, account?.Server, account?.Company, account?.Currency,
                account?.Balance, account?.Equity, account?.MarginLevel, account?.Leverage, account?.MarginMode.ToWire(),
                t.OpenPositions, t.PendingOrders, t.EaVersion, t.TerminalBuild, t.LastMessageAtMs),
            api.View(),
            ledger.Counts(),
            new IngressView(
                ingress.Port, metrics.FramesReceived, metrics.Malformed, metrics.ResyncsSent, metrics.SessionsRefused,
                metrics.ConnectionsOpen, metrics.ConnectionsRefused, metrics.LastConnectionRefusal, metrics.SocketRestarts, metrics.LastSocketError,
                metrics.Replayed, metrics.DroppedItems, metrics.LookupsSent),
            Unconfirmed(account?.Login ?? api.View().AllowedLogin));
    }

    private List<UnconfirmedView> Unconfirmed(long? login)
    {
        if (login is not { } l)
        {
            return [];
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return ingress.Book(l).Unconfirmed
            .Select(u => new UnconfirmedView(u.Kind, u.Ticket, u.Identifier, u.Symbol, DateTimeOffset.FromUnixTimeMilliseconds(u.SinceMs), Math.Max(0, now - u.SinceMs)))
            .ToList();
    }

    public SignalsView Signals(int recent)
    {
        var login = terminal.Current.Account?.Login ?? api.View().AllowedLogin;
        var book = login is { } l ? ingress.Book(l) : null;
        var (positions, orders) = book is not null
            ? (book.Positions.Select(p => new ActivePositionView(p.Ticket, p.Symbol, p.Side.ToWire(), p.Volume, p.PriceOpen, p.Sl, p.Tp, p.PriceCurrent, p.Profit, p.TimeMsc)).ToList(),
                book.Orders.Select(o => new PendingOrderView(o.Ticket, o.Symbol, o.Type.ToWire(), o.Volume, o.PriceOpen, o.Sl, o.Tp)).ToList())
            : ([], []);
        return new SignalsView(positions, orders, ledger.Recent(recent));
    }

    public Task<string?> LoginAsync(string username, string password, CancellationToken cancellationToken) =>
        api.LoginAsync(username, password, cancellationToken);

    public Task LogoutAsync(CancellationToken cancellationToken) => api.LogoutAsync(cancellationToken);
}

/// <summary>Facts about this run of the relay.</summary>
public sealed record RelayRuntime(DateTimeOffset StartedAt, bool Demo, string DataFolder);
