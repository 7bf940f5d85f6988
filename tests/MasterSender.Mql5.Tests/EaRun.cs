namespace MasterSender.Mql5.Tests;

/// <summary>A relay on a free port and the EA harness connected to it.</summary>
public sealed class EaRun : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public EaRun(string scenario, params string[] extra)
    {
        Port = Harness.FreePort();
        Relay = new FakeRelay(Port);
        Ea = Harness.Start(Port, scenario, 60, extra);
    }

    public int Port { get; }
    public FakeRelay Relay { get; }
    public Harness Ea { get; }

    /// <summary>Waits for the hello and the snapshot the EA sends after the welcome.</summary>
    public (Received Hello, Received Snapshot) Connected()
    {
        Received hello = Relay.WaitFor("hello", Wait);
        Received snapshot = Relay.WaitFor(m => m.Type == "snapshot" && m.Session == hello.Session, Wait);
        return (hello, snapshot);
    }

    /// <summary>Every message of the session, in arrival order: seq must be 1, 2, 3, ...</summary>
    public static void AssertSeqContiguous(IEnumerable<Received> messages, string session)
    {
        long expected = 1;
        foreach (Received m in messages.Where(m => m.Session == session))
        {
            Assert.True(m.Seq == expected, $"seq {m.Seq} where {expected} was expected: {m}");
            expected++;
        }
        Assert.True(expected > 1, "no message in the session");
    }

    public void Dispose()
    {
        Ea.Dispose();
        Relay.Dispose();
    }
}
