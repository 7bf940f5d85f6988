using System.Collections.Concurrent;
using System.Text.Json;
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
/// The relay's side, played minimally: a real NetMQ ROUTER on 127.0.0.1 that answers hello with welcome and
/// heartbeat with heartbeat unless told otherwise. The socket lives on its own thread (NetMQ sockets are
/// single-threaded), so the relay keeps answering while the test thread waits for the harness.
/// </summary>
public sealed class FakeRelay : IDisposable
{
    private readonly BlockingCollection<Received> inbox = [];
    private readonly ConcurrentQueue<(byte[] Identity, string Json)> outbox = new();
    private readonly List<Received> all = [];
    private readonly Thread thread;
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool accept = true;
    private volatile bool answerHeartbeats = true;
    private volatile int heartbeatMs = 1000;

    public FakeRelay(int port)
    {
        Port = port;
        thread = new Thread(Run) { IsBackground = true, Name = "FakeRelay " + port };
        thread.Start();
        bound.Task.GetAwaiter().GetResult();
    }

    public int Port { get; }
    public bool Accept { get => accept; set => accept = value; }
    public bool AnswerHeartbeats { get => answerHeartbeats; set => answerHeartbeats = value; }
    public int HeartbeatMs { get => heartbeatMs; set => heartbeatMs = value; }

    /// <summary>Everything taken from the inbox so far, in arrival order.</summary>
    public IReadOnlyList<Received> All => all;

    /// <summary>Takes messages in arrival order until one matches; all taken ones go to All.</summary>
    public Received WaitFor(Func<Received, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !inbox.TryTake(out Received? r, left))
            {
                throw new TimeoutException(NothingMatched());
            }
            all.Add(r);
            if (match(r))
            {
                return r;
            }
        }
    }

    public Received WaitFor(string type, TimeSpan timeout) => WaitFor(m => m.Type == type, timeout);

    // Every message in short (a failure under load must say what came and what did not), then the last few in full.
    private string NothingMatched()
    {
        if (all.Count == 0)
        {
            return "no message received";
        }

        var outline = all.TakeLast(300).Select(m => m.Seq + ":" + m.Type + Subject(m) + (m.Session == all[0].Session ? "" : "@" + m.Session));
        return "no matching message among " + all.Count + " received: " + string.Join(" ", outline) + "\nthe last in full:\n" + string.Join("\n", all.TakeLast(5));
    }

    private static string Subject(Received m)
    {
        JsonElement json = m.Json;
        string ticket = json.TryGetProperty("position", out var item) || json.TryGetProperty("order", out item) ? item.GetProperty("ticket").GetRawText()
            : json.TryGetProperty("ticket", out var t) ? t.GetRawText() : "";
        string reason = json.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
        string both = (ticket + " " + reason).Trim();
        return both.Length == 0 ? "" : "(" + both + ")";
    }

    /// <summary>Takes whatever arrives during the period.</summary>
    public void Pump(TimeSpan period)
    {
        var deadline = DateTime.UtcNow + period;
        TimeSpan left;
        while ((left = deadline - DateTime.UtcNow) > TimeSpan.Zero)
        {
            if (inbox.TryTake(out Received? r, left))
            {
                all.Add(r);
            }
        }
    }

    public void Send(Received to, object message) => outbox.Enqueue((to.Identity, Envelope(to, message)));

    private static string Envelope(Received to, object message)
    {
        var node = JsonSerializer.SerializeToNode(message)!.AsObject();
        node["v"] = 1;
        node["seq"] = 0;
        node["session"] = to.Session;
        return node.ToJsonString();
    }

    private void Run()
    {
        using var router = new RouterSocket();
        router.Options.Linger = TimeSpan.Zero;
        if (!Bind(router))
        {
            return;
        }
        while (!stop.IsCancellationRequested)
        {
            while (outbox.TryDequeue(out var o))
            {
                router.SendMoreFrame(o.Identity).SendFrame(o.Json);
            }
            NetMQMessage? msg = null;
            if (!router.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(5), ref msg) || msg is null)
            {
                continue;
            }
            if (msg.FrameCount != 2)
            {
                throw new InvalidOperationException($"a DEALER message reaches the ROUTER as 2 frames, not {msg.FrameCount}");
            }
            var r = new Received(msg[0].ToByteArray(), JsonDocument.Parse(msg[1].ToByteArray()).RootElement.Clone());
            AutoAnswer(router, r);
            inbox.Add(r);
        }
    }

    // A port just released by a previous router may take a moment to be bindable again.
    private bool Bind(RouterSocket router)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                router.Bind($"tcp://127.0.0.1:{Port}");
                bound.SetResult();
                return true;
            }
            catch (NetMQException e) when (DateTime.UtcNow < deadline && e is not null)
            {
                Thread.Sleep(20);
            }
            catch (NetMQException e)
            {
                bound.SetException(e);
                return false;
            }
        }
    }

    private void AutoAnswer(RouterSocket router, Received r)
    {
        if (r.Type == "hello")
        {
            router.SendMoreFrame(r.Identity).SendFrame(Envelope(r, new
            {
                type = "welcome",
                accepted = accept,
                reason = accept ? "" : "wrong_account",
                message = accept ? "" : "Account 5012345 is not the account this relay serves (5012346)",
                heartbeat_ms = heartbeatMs,
                relay_version = "test",
            }));
        }
        else if (r.Type == "heartbeat" && answerHeartbeats)
        {
            router.SendMoreFrame(r.Identity).SendFrame(Envelope(r, new { type = "heartbeat" }));
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
        inbox.Dispose();
    }
}
