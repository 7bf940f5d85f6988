using MasterSender.Ingress;

namespace MasterSender.Relay.Hosting;

/// <summary>Everything a user can type and configure, in one place (<c>--help</c>).</summary>
public static class HelpText
{
    public static string Text => $$"""
        MasterSender relay {{IngressService.RelayVersion}}: receives trades from the MasterSender EA in MetaTrader 5 and
        delivers them, signed and exactly once, to the signal API.

        Usage: MasterSender.Relay [command] [--Key=value ...]

        Commands:
          run       (default) Run the relay in the foreground until Ctrl+C: EA port, signal delivery, status page.
                    In the background it is the same command, started by the installer's logon entry, the
                    Windows service or the systemd user unit.
          demo      Run the whole pipeline in the foreground with a simulated terminal and a local sandbox API, and
                    print the status page URL. Each run starts from a fresh data folder, removed at exit, unless
                    --Storage:Path is given. With Api:Url, Api:Username and Api:Password it sends to that API
                    instead, trading as the account the API allows.
          login     Log in to the signal API (asks for the password without echo) and store the session token
                    (never the password) protected with ASP.NET Core Data Protection, for headless machines.
          logout    Forget the stored session.
          --help    This text.

        Configuration keys (appsettings.json next to the exe, commented, ships with the product; environment
        variables MasterSender__Section__Key; or the command line as --Section:Key=value, where an unknown key is
        refused with the nearest valid one; the seed's config_sender.json is read too: api.url; its
        service.loop_interval is not, the EA's ReconcileMs input sets that period). The relay logs which of these
        sources it read when it starts.
          Api:Url                    Base URL of the signal API (e.g. https://api.example.com); http:// only to this machine.
                                     Without it, `run` starts and the status page asks for it (kept in settings.json).
          Api:AllowInsecureHttp      Accept http:// to another host (default false): password and token then cross the
                                     network in clear, and the status page shows a red warning.
          Api:Username               Login user name (or use the status page or `login`).
          Api:Password               Login password (never logged; prefer the status page or `login`).
          Api:AttemptTimeout         One HTTP attempt to the API (default 00:00:10).
          Api:TotalTimeout           One delivery attempt including its quick retries (default 00:00:30).
          Api:MaxRetries             Quick retries inside one delivery attempt, jittered, Retry-After honoured (default 3).
          Api:RetryDelay             First quick-retry delay (default 00:00:00.200).
          Api:FailuresToOpen         Failed calls in a row that open the circuit: signals then wait (default 5).
          Api:BreakDuration          How long the open circuit waits before one signal goes as a probe (default 00:00:01).
          Ingress:Port               TCP port on 127.0.0.1 for the EA (default {{IngressOptions.DefaultPort}}); set the EA's RelayPort to match.
          Ingress:PairingKey         If set, only an EA with the same PairingKey input is accepted.
          Ingress:TerminalTimeout    Silence after which the terminal counts as disconnected (default 00:00:05; 0.1 s-1 h).
          Ingress:HeartbeatInterval  How often the EA sends a heartbeat, told in welcome (default 00:00:01; 50 ms-1 min).
          Ingress:MaxFrameBytes      Largest EA message accepted (default 4194304).
          Ingress:MaxConnections     Connections to the EA port open at once; when full, the oldest one still in its
                                     handshake is closed for a new one, else one silent past TerminalTimeout,
                                     else the new one (default 64, 1 to 4096).
          Ingress:HandshakeTimeout   A connection that has not finished its ZMTP handshake within this is closed
                                     (default 00:00:05, 00:00:00.100 to 00:05:00).
          Ingress:LookupInterval     While positions/orders are unconfirmed (missing without evidence), ask the EA to look
                                     them up this often (default 00:00:02; 00:00:00.100 to 00:10:00).
          Signals:MaxOpenAge         An OPEN/ORDER_PLACED/INCREASE not sent within this age is expired, not sent; a position
                                     opened (server clock) longer ago than this never yields an OPEN (default 00:00:30).
          Signals:MaxParallelDeliveries  Calls to the API at once, one ticket each; each ticket stays in order and
                                     tickets take turns signal by signal (default 128, 1 to 256).
          Signals:MaxRetryDelay      Longest wait between delivery attempts while the API fails (default 00:00:30).
          Status:Port                Port of the status page on 127.0.0.1 (default {{StatusOptions.DefaultPort}}).
          Storage:Path               Data folder: outbox database, logs, protected keys (default: the user's local app data).
                                     One relay per data folder: a second start on the same folder exits with code 3.
          Logs:Console               Also log to the console (default true); the daily file in the data folder is always written.
          Storage:KeepHistory        How long finished signals stay in the outbox and the page's log (default 30.00:00:00).
          Serilog:MinimumLevel:Default   Log level: Verbose, Debug, Information (default), Warning, Error.
          Serilog:MinimumLevel:Override:<Source>  Level for one source, e.g. Serilog:MinimumLevel:Override:MasterSender.Broadcast=Debug.

        Exit codes: 0 stopped normally or logged in; 1 login refused; 2 unknown command; 3 another relay runs on this
        data folder; 4 could not start (the reason is one line on stderr and in the log file, e.g. a bad Api:Url).

        Status page: http://127.0.0.1:<Status:Port>/  (JSON: /api/status, /api/signals)
        """;
}
