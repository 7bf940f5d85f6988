using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Mql5.Tests;

public sealed record Received(byte[] Identity, JsonElement Json)
{
    public string Type => Json.GetProperty("type").GetString() ?? "";
    public long Seq => Json.GetProperty("seq").GetInt64();
    public string Session => Json.GetProperty("session").GetString() ?? "";
    public override string ToString() => Json.GetRawText();
}

/// <summary>
/// The relay's side, played minimally on the test thread: a real NetMQ ROUTER on 127.0.0.1 that
/// answers hello with welcome and heartbeat with heartbeat unless told otherwise.
/// </summary>
public sealed class FakeRelay : IDisposable
{
    private readonly RouterSocket router = new();
    private readonly List<Received> all = [];

    public FakeRelay(int port)
    {
        Port = port;
        router.Options.Linger = TimeSpan.Zero;
        // A port just released by a previous router may take a moment to be bindable again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                router.Bind($"tcp://127.0.0.1:{port}");
                return;
            }
            catch (NetMQ.NetMQException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    public int Port { get; }
    public bool Accept { get; set; } = true;
    public bool AnswerHeartbeats { get; set; } = true;
    public int HeartbeatMs { get; set; } = 1000;
    public IReadOnlyList<Received> All => all;

    /// <summary>Receives (and auto-answers) until a message matches; everything received is kept in All.</summary>
    public Received WaitFor(Func<Received, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Received? r = TryReceive(TimeSpan.FromMilliseconds(50));
            if (r is not null && match(r))
            {
                return r;
            }
        }
        throw new TimeoutException("no matching message; received:\n" + string.Join("\n", all.TakeLast(20)));
    }

    public Received WaitFor(string type, TimeSpan timeout) => WaitFor(m => m.Type == type, timeout);

    /// <summary>Receives for the whole period (to see what the EA does meanwhile).</summary>
    public void Pump(TimeSpan period)
    {
        var deadline = DateTime.UtcNow + period;
        while (DateTime.UtcNow < deadline)
        {
            TryReceive(TimeSpan.FromMilliseconds(20));
        }
    }

    public void Send(Received to, object message)
    {
        var node = JsonSerializer.SerializeToNode(message)!.AsObject();
        node["v"] = 1;
        node["seq"] = 0;
        node["session"] = to.Session;
        router.SendMoreFrame(to.Identity).SendFrame(node.ToJsonString());
    }

    private Received? TryReceive(TimeSpan wait)
    {
        NetMQMessage? msg = null;
        if (!router.TryReceiveMultipartMessage(wait, ref msg) || msg is null)
        {
            return null;
        }
        Assert.Equal(2, msg.FrameCount);
        var r = new Received(msg[0].ToByteArray(), JsonDocument.Parse(msg[1].ToByteArray()).RootElement.Clone());
        all.Add(r);
        if (r.Type == "hello")
        {
            Send(r, new
            {
                type = "welcome",
                accepted = Accept,
                reason = Accept ? "" : "wrong_account",
                message = Accept ? "" : "Account 5012345 is not the account this relay serves (5012346)",
                heartbeat_ms = HeartbeatMs,
                relay_version = "test",
            });
        }
        else if (r.Type == "heartbeat" && AnswerHeartbeats)
        {
            Send(r, new { type = "heartbeat" });
        }
        return r;
    }

    public void Dispose() => router.Dispose();
}
