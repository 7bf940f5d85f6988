using MasterSender.Core.Accounts;
using MasterSender.Core.Protocol;
using MasterSender.Ingress;
using MasterSender.Simulator;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Demo;

/// <summary>
/// The demo's terminal: once the relay knows which account it serves (the sandbox's, or the real API's
/// <c>allowed_mt5_id</c>), a simulated MT5 terminal logged in to that account connects to the relay's EA port over
/// ZeroMQ and trades in a loop. Everything downstream is the real pipeline.
/// </summary>
internal sealed partial class DemoTerminalService(
    IngressService ingress,
    IAllowedAccountProvider accounts,
    TimeProvider time,
    ILogger<DemoTerminalService> logger) : BackgroundService
{
    private static readonly TimeSpan StepEvery = TimeSpan.FromSeconds(1.5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var account = await WaitForAccountAsync(stoppingToken);
            using var terminal = new TerminalSimulator(
                SimulatedTerminal.Demo(account.Login, MarginMode.Hedging, time),
                $"tcp://127.0.0.1:{ingress.Port}",
                new SimulatorSettings { AutoHeartbeat = true, TerminalPath = account.Mt5Path ?? @"C:\Program Files\MetaTrader 5" });
            var welcome = await terminal.ConnectAsync(stoppingToken);
            while (!welcome.Accepted)
            {
                LogRefused(welcome.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
                welcome = await terminal.ReconnectAsync(stoppingToken);
            }

            LogConnected(account.Login, StepEvery.TotalSeconds);
            var trader = new DemoTrader(terminal, new Random(account.GetHashCode()));
            var steps = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                trader.Step();
                if (++steps % 4 == 0)
                {
                    terminal.SendSnapshot("periodic");
                }

                await Task.Delay(StepEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The demo is stopping.
        }
    }

    private async Task<AllowedAccount> WaitForAccountAsync(CancellationToken stoppingToken)
    {
        while (accounts.Current is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken);
        }

        return accounts.Current;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo terminal was refused: {Message}")]
    private partial void LogRefused(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo terminal {Login} connected; trading every {Seconds} s")]
    private partial void LogConnected(long login, double seconds);
}
