using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MasterSender.Mql5.Tests;

public sealed class ConnectionTests
{
    private static readonly TimeSpan Wait = EaRun.Wait;

    private static bool IsComment(string line, string text) =>
        line.StartsWith("COMMENT ", StringComparison.Ordinal) && line.Contains(text, StringComparison.Ordinal);

    [Fact]
    public void Relay_absent_at_start_then_appearing_is_found_by_the_backoff_and_logged_once()
    {
        int port = Harness.FreePort();
        using Harness ea = Harness.Start(port, "idle");
        ea.WaitForLine(l => IsComment(l, "NOT CONNECTED|relay not running on 127.0.0.1:" + port), Wait);
        // Several refused attempts (backoff 0, 0.5, 1 s of emulated time) must share one Print.
        ea.WaitForLine(l => l.StartsWith("SOCKET connect-failed 3 ", StringComparison.Ordinal), Wait);
        using var relay = new FakeRelay(port);
        Received hello = relay.WaitFor("hello", TimeSpan.FromSeconds(15));
        relay.WaitFor("snapshot", Wait);
        ea.WaitForLine(l => IsComment(l, "CONNECTED|connected to relay test"), Wait);
        Assert.Equal(1, hello.Seq);
        Assert.Single(ea.Lines, l => l.StartsWith("PRINT MasterSender unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Relay_restarted_under_a_running_EA_gets_a_new_hello_and_snapshot()
    {
        int port = Harness.FreePort();
        var relay = new FakeRelay(port);
        using Harness ea = Harness.Start(port, "idle");
        Received first = relay.WaitFor("hello", Wait);
        relay.WaitFor("snapshot", Wait);
        relay.Dispose();
        using var restarted = new FakeRelay(port);
        Received hello = restarted.WaitFor("hello", TimeSpan.FromSeconds(15));
        Assert.Equal(1, hello.Seq);
        Assert.NotEqual(first.Session, hello.Session);
        Received snapshot = restarted.WaitFor("snapshot", Wait);
        Assert.Equal("connect", snapshot.Json.GetProperty("reason").GetString());
        Assert.Single(snapshot.Json.GetProperty("positions").EnumerateArray());
    }

    [Fact]
    public void Greeting_ready_and_frames_split_into_single_bytes_are_reassembled()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using Harness ea = Harness.Start(port, "idle");
        using TcpClient client = listener.AcceptTcpClient();
        listener.Stop();
        client.NoDelay = true;
        client.ReceiveTimeout = 10000;
        NetworkStream stream = client.GetStream();

        byte[] greeting = ReadExactly(stream, 64);
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 3, 0, (byte)'N', (byte)'U', (byte)'L', (byte)'L', 0 }, greeting[..17]);
        Assert.All(greeting[17..], b => Assert.Equal(0, b));

        var peer = new List<byte>();
        byte[] ours = new byte[64];
        ours[0] = 0xFF;
        ours[9] = 0x7F;
        ours[10] = 3;
        ours[11] = 1;
        "NULL"u8.CopyTo(ours.AsSpan(12));
        peer.AddRange(ours);
        byte[] body = [5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, 6, .. "ROUTER"u8];
        peer.AddRange([4, (byte)body.Length, .. body]);
        Drip(stream, [.. peer]);

        byte[] ready = [4, 28, 5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, 6, .. "DEALER"u8];
        Assert.Equal(ready, ReadExactly(stream, 30));
        JsonElement hello = ReadMessage(stream);
        Assert.Equal("hello", hello.GetProperty("type").GetString());
        Assert.True(hello.ToString().Length > 255, "the hello is long enough to need a LONG frame");

        string session = hello.GetProperty("session").GetString()!;
        byte[] ping = [4, 9, 4, .. "PING"u8, 0, 10, (byte)'c', (byte)'x'];
        string welcome = "{\"v\":1,\"type\":\"welcome\",\"session\":\"" + session + "\",\"seq\":0,\"accepted\":true,\"reason\":\"\",\"message\":\"\",\"heartbeat_ms\":1000,\"relay_version\":\"raw\"}";
        Drip(stream, [.. ping, .. Frame(Encoding.UTF8.GetBytes(welcome))]);
        byte[] pong = [4, 7, 4, .. "PONG"u8, (byte)'c', (byte)'x'];
        Assert.Equal(pong, ReadExactly(stream, 9));
        JsonElement snapshot = ReadMessage(stream);
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(2, snapshot.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Missing_allowed_URL_is_explained_on_the_chart_and_printed_once()
    {
        int port = Harness.FreePort();
        using var relay = new FakeRelay(port);
        using Harness ea = Harness.Start(port, "not_allowed", 10);
        ea.WaitForLine(l => IsComment(l, "127.0.0.1 is not in the allowed URL list") && l.Contains("(error 4014)", StringComparison.Ordinal), Wait);
        ea.Stop(Wait);
        relay.Pump(TimeSpan.FromMilliseconds(200));
        Assert.Empty(relay.All);
        Assert.Single(ea.Lines, l => l.StartsWith("PRINT MasterSender not_allowed", StringComparison.Ordinal));
        Assert.Contains(ea.Lines, l => l.StartsWith("STATS", StringComparison.Ordinal) && !l.Contains("sockets_created=0 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Strategy_Tester_run_says_so_and_never_opens_a_socket()
    {
        int port = Harness.FreePort();
        using Harness ea = Harness.Start(port, "tester", 2);
        ea.WaitForLine(l => IsComment(l, "idle in the Strategy Tester"), Wait);
        ea.Stop(Wait);
        Assert.Contains(ea.Lines, l => l.StartsWith("STATS", StringComparison.Ordinal) && l.Contains("sockets_created=0 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_RelayHost_is_refused_and_the_deinit_after_it_touches_no_socket()
    {
        int port = Harness.FreePort();
        using Harness ea = Harness.Start(port, "idle", 2, "--host", "");
        ea.WaitForLine(l => l == "INIT 32767", Wait);
        string stats = ea.WaitForLine(l => l.StartsWith("STATS", StringComparison.Ordinal), Wait);
        Assert.Contains("bad_handle_calls=0 ", stats + " ", StringComparison.Ordinal);
        Assert.Contains("sockets_created=0", stats, StringComparison.Ordinal);
        Assert.Contains(ea.Lines, l => l.StartsWith("PRINT MasterSender: invalid inputs (RelayHost not empty", StringComparison.Ordinal));
    }

    [Fact]
    public void After_a_symbol_or_period_change_the_chart_text_is_shown_again()
    {
        int port = Harness.FreePort();
        using Harness ea = Harness.Start(port, "chart_change", 10);
        ea.WaitForLine(l => l == "STEP reinit 0", TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ea.Lines.Count(l => IsComment(l, "waiting for the terminal to load positions and orders")) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the text was not shown again:\n" + string.Join("\n", ea.Lines.TakeLast(20)));
            Thread.Sleep(10);
        }
        ea.Stop(Wait);
        Assert.Contains(ea.Lines, l => l.StartsWith("STATS", StringComparison.Ordinal) && l.Contains("bad_handle_calls=0", StringComparison.Ordinal));
    }

    private static byte[] Frame(byte[] body)
    {
        if (body.Length <= 255)
        {
            return [0, (byte)body.Length, .. body];
        }
        byte[] size = BitConverter.GetBytes((long)body.Length);
        Array.Reverse(size);
        return [2, .. size, .. body];
    }

    // One byte per write with a flush and Nagle off: the EA sees the bytes across many reads.
    private static void Drip(NetworkStream stream, byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            stream.Write([b]);
            stream.Flush();
        }
    }

    private static byte[] ReadExactly(NetworkStream stream, int n)
    {
        byte[] buf = new byte[n];
        stream.ReadExactly(buf);
        return buf;
    }

    private static JsonElement ReadMessage(NetworkStream stream)
    {
        byte flags = ReadExactly(stream, 1)[0];
        Assert.Equal(0, flags & ~0x02);
        long size;
        if ((flags & 0x02) != 0)
        {
            byte[] s = ReadExactly(stream, 8);
            Array.Reverse(s);
            size = BitConverter.ToInt64(s);
        }
        else
        {
            size = ReadExactly(stream, 1)[0];
        }
        return JsonDocument.Parse(ReadExactly(stream, (int)size)).RootElement.Clone();
    }
}
