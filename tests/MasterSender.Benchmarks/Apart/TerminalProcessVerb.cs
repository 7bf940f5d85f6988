using System.Diagnostics;
using System.Globalization;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Benchmarks.Apart;

/// <summary>
/// <c>terminal-process --port P [--positions N] [--wire]</c>: the terminal side in a process of its own, as the MT5
/// terminal is on a trader's machine. Opens N positions, connects to the relay's EA port (as the EA does with
/// <c>--wire</c>, <see cref="EaWireClient"/>; else through the terminal simulator's NetMQ DEALER), sends the connect
/// snapshot and prints <c>connected TICKET...</c>. Then makes the scenario's trade changes on command, one stdin line
/// each, stamping each change with the raw <see cref="Stopwatch.GetTimestamp"/> just before it (CLOCK_MONOTONIC on
/// Linux, the same clock in every process); the stamps are printed after the command's changes, so printing never
/// delays a change:
/// <list type="bullet">
/// <item><c>open N</c>: N positions at once → <c>opened TICKET STAMP</c> each, then <c>done</c>;</item>
/// <item><c>modify TICKET COUNT MAXGAPMS SEED FIRSTTAG</c>: COUNT SL moves of one position at random 0–MAXGAPMS gaps,
/// the n-th tagged FIRSTTAG + n (<see cref="SlTag"/>) → <c>changed STAMP</c> each, then <c>done</c>;</item>
/// <item><c>trail DURATIONMS PERIODMS</c>: every period, SL and TP of every position move and one snapshot "changed"
/// goes out, as the EA does when its fingerprint moves. The SL is tagged with the round, numbered on from the last
/// <c>trail</c> (a warm-up's late signals can never pass for a later run's) → <c>round N STAMP</c> each, then
/// <c>done STARTSTAMP ENDSTAMP</c>.</item>
/// </list>
/// Ends when its stdin closes.
/// </summary>
internal static class TerminalProcessVerb
{
    public const string Verb = "terminal-process";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (!TryParse(args, out var port, out var positions, out var wire))
        {
            await Console.Error.WriteLineAsync("usage: terminal-process --port P [--positions N] [--wire]");
            return 2;
        }

        var terminal = SimulatedTerminal.Demo(Fixtures.Login);
        var tickets = Enumerable.Range(0, positions).Select(i => Open(terminal, i).Ticket).ToList();
        var rounds = 0;
        using var side = await TerminalSide.ConnectAsync(terminal, port, wire);
        // Buffered, flushed once per command: the relay may still be delivering the command's last changes.
        await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        await output.WriteLineAsync("connected " + string.Join(' ', tickets));
        await output.FlushAsync();

        while (await Console.In.ReadLineAsync() is { } command)
        {
            List<string> lines;
            switch (command.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                case ["open", var count]:
                    lines = OpenAll(side, Int(count));
                    break;
                case ["modify", var ticket, var count, var maxGapMs, var seed, var firstTag]:
                    lines = await ModifyAsync(side, long.Parse(ticket, CultureInfo.InvariantCulture), Int(count), double.Parse(maxGapMs, CultureInfo.InvariantCulture), Int(seed), Int(firstTag));
                    break;
                case ["trail", var durationMs, var periodMs]:
                    lines = await TrailAsync(side, tickets, rounds + 1, TimeSpan.FromMilliseconds(Int(durationMs)), TimeSpan.FromMilliseconds(Int(periodMs)));
                    rounds += lines.Count - 1; // every line but the last, "done", is a round
                    break;
                default:
                    throw new InvalidOperationException($"unknown command '{command}'");
            }

            foreach (var line in lines)
            {
                await output.WriteLineAsync(line);
            }

            await output.FlushAsync();
        }

        return 0;
    }

    private static (long Ticket, IReadOnlyList<EaMessage> Messages) Open(SimulatedTerminal terminal, int i) =>
        terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5));

    private static List<string> OpenAll(TerminalSide side, int count)
    {
        var opened = new (long Ticket, long At)[count];
        for (var i = 0; i < count; i++)
        {
            var at = Stopwatch.GetTimestamp();
            var (ticket, messages) = Open(side.Terminal, i);
            side.Send(messages);
            opened[i] = (ticket, at);
        }

        return [.. opened.Select(o => Invariant($"opened {o.Ticket} {o.At}")), "done"];
    }

    private static async Task<List<string>> ModifyAsync(TerminalSide side, long ticket, int count, double maxGapMs, int seed, int firstTag)
    {
        var random = new Random(seed);
        var changedAt = new long[count];
        for (var i = 0; i < count; i++)
        {
            // Pacing only: a change never waits for the previous signal (open loop).
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * maxGapMs));
            changedAt[i] = Stopwatch.GetTimestamp();
            side.Send(side.Terminal.Modify(ticket, SlTag.Of(firstTag + i), 0));
        }

        return [.. changedAt.Select(at => Invariant($"changed {at}")), "done"];
    }

    private static async Task<List<string>> TrailAsync(TerminalSide side, IReadOnlyList<long> tickets, int firstRound, TimeSpan duration, TimeSpan period)
    {
        var roundAt = new List<(int Round, long At)>();
        using var timer = new PeriodicTimer(period);
        var started = Stopwatch.GetTimestamp();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
        {
            var round = firstRound + roundAt.Count;
            roundAt.Add((round, Stopwatch.GetTimestamp()));
            foreach (var ticket in tickets)
            {
                _ = side.Terminal.Modify(ticket, SlTag.Of(round), 1.2 + (round * 1e-5));
            }

            side.SendSnapshot("changed");
        }

        var end = Stopwatch.GetTimestamp();
        return [.. roundAt.Select(r => Invariant($"round {r.Round} {r.At}")), Invariant($"done {started} {end}")];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Int(string word) => int.Parse(word, CultureInfo.InvariantCulture);

    private static bool TryParse(IReadOnlyList<string> args, out int port, out int positions, out bool wire)
    {
        (port, positions, wire) = (0, 0, false);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : "";
            switch (args[i])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port):
                case "--positions" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out positions):
                    i++;
                    break;
                case "--wire":
                    wire = true;
                    break;
                default:
                    return false;
            }
        }

        return port > 0;
    }

    /// <summary>The EA's side of the connection: the wire client writing on the caller's thread, or the simulator.</summary>
    private sealed class TerminalSide : IDisposable
    {
        private readonly EaWireClient? _wire;
        private readonly TerminalSimulator? _simulator;

        private TerminalSide(SimulatedTerminal terminal, EaWireClient? wire, TerminalSimulator? simulator)
        {
            Terminal = terminal;
            _wire = wire;
            _simulator = simulator;
        }

        public SimulatedTerminal Terminal { get; }

        public static async Task<TerminalSide> ConnectAsync(SimulatedTerminal terminal, int port, bool wire)
        {
            if (wire)
            {
                return new TerminalSide(terminal, EaWireClient.Connect(port, terminal), null);
            }

            var simulator = new TerminalSimulator(terminal, $"tcp://127.0.0.1:{port}", new SimulatorSettings { AutoHeartbeat = true });
            var welcome = await simulator.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (!welcome.Accepted)
            {
                simulator.Dispose();
                throw new InvalidOperationException("The relay refused the simulator: " + welcome.Message);
            }

            return new TerminalSide(terminal, null, simulator);
        }

        public void Send(IEnumerable<EaMessage> messages)
        {
            if (_wire is not null)
            {
                _wire.Send(messages);
            }
            else
            {
                _simulator!.Send(messages);
            }
        }

        public void SendSnapshot(string reason)
        {
            if (_wire is not null)
            {
                _wire.Send([Terminal.Snapshot(reason)]);
            }
            else
            {
                _simulator!.SendSnapshot(reason);
            }
        }

        public void Dispose()
        {
            _wire?.Dispose();
            _simulator?.Dispose();
        }
    }
}
