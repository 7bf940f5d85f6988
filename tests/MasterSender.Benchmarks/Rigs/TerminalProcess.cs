using System.Globalization;
using MasterSender.Benchmarks.Apart;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>What one <c>trail</c> command did: its rounds (numbered on from the previous command's) with the stamp
/// of each, the stamp of its start (a period before its first round) and of the moment its last round was sent.</summary>
internal sealed record TrailRun(IReadOnlyList<(int Round, long At)> Rounds, long StartedAt, long EndedAt)
{
    public int LastRound => Rounds[^1].Round;

    public TimeSpan Duration => System.Diagnostics.Stopwatch.GetElapsedTime(StartedAt, EndedAt);
}

/// <summary>The terminal side in its own process (<see cref="TerminalProcessVerb"/>), driven one command at a time;
/// each method returns the monotonic stamps the terminal took just before each change.</summary>
internal sealed class TerminalProcess : IAsyncDisposable
{
    // A command's changes take their own time (2,000 changes at up to 20 ms apart: about 20 s) before its answer.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private readonly ChildProcess _child;

    private TerminalProcess(ChildProcess child, IReadOnlyList<long> tickets)
    {
        _child = child;
        Tickets = tickets;
    }

    /// <summary>The positions opened before connecting: the relay adopts them as its baseline.</summary>
    public IReadOnlyList<long> Tickets { get; }

    public static async Task<TerminalProcess> StartAsync(int eaPort, int openPositions, bool wire)
    {
        string[] arguments = ["--port", Invariant(eaPort), "--positions", Invariant(openPositions)];
        var child = ChildProcess.Start(TerminalProcessVerb.Verb, wire ? [.. arguments, "--wire"] : arguments);
        try
        {
            var tickets = (await child.ExpectAsync("connected", ChildProcess.StartTimeout)).Select(Long).ToList();
            return new TerminalProcess(child, tickets);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="count"/> positions at once; each ticket with the stamp just before its open.</summary>
    public async Task<IReadOnlyList<(long Ticket, long At)>> OpenAsync(int count)
    {
        await _child.SendAsync(Invariant($"open {count}"));
        var opened = new List<(long, long)>(count);
        for (var i = 0; i < count; i++)
        {
            var words = await _child.ExpectAsync("opened", CommandTimeout);
            opened.Add((Long(words[0]), Long(words[1])));
        }

        await _child.ExpectAsync("done", CommandTimeout);
        return opened;
    }

    /// <summary>SL moves of <paramref name="ticket"/> at random gaps, the n-th tagged <paramref name="firstTag"/> + n;
    /// the stamp of each.</summary>
    public async Task<long[]> ModifyAtRandomTimesAsync(long ticket, int count, double maxGapMs, int seed, int firstTag)
    {
        await _child.SendAsync(Invariant($"modify {ticket} {count} {maxGapMs} {seed} {firstTag}"));
        var changedAt = new long[count];
        for (var i = 0; i < count; i++)
        {
            changedAt[i] = Long((await _child.ExpectAsync("changed", CommandTimeout))[0]);
        }

        await _child.ExpectAsync("done", CommandTimeout);
        return changedAt;
    }

    /// <summary>Every <paramref name="period"/> for <paramref name="duration"/>, every position's SL and TP move and
    /// one snapshot goes out.</summary>
    public async Task<TrailRun> TrailAsync(TimeSpan duration, TimeSpan period)
    {
        await _child.SendAsync(Invariant($"trail {(int)duration.TotalMilliseconds} {(int)period.TotalMilliseconds}"));
        var rounds = new List<(int, long)>();
        while (true)
        {
            var line = await _child.ReadLineAsync(CommandTimeout, "the trailing rounds");
            var words = line.Split(' ');
            switch (words)
            {
                case ["round", var round, var at]:
                    rounds.Add(((int)Long(round), Long(at)));
                    break;
                case ["done", var started, var end] when rounds.Count > 0:
                    return new TrailRun(rounds, Long(started), Long(end));
                default:
                    throw new InvalidOperationException($"The terminal process said '{line}' during trailing.");
            }
        }
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();

    private static long Long(string word) => long.Parse(word, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
