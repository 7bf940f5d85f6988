using System.Text.Json;

namespace MasterSender.Mql5.Tests;

public sealed class SessionTests
{
    private static readonly TimeSpan Wait = EaRun.Wait;

    [Fact]
    public void Hello_carries_every_field_protocol_md_lists()
    {
        using var run = new EaRun("idle", "--key", "pa\"ir");
        Received hello = run.Relay.WaitFor("hello", Wait);
        JsonElement j = hello.Json;
        Assert.Equal(1, j.GetProperty("v").GetInt32());
        Assert.Equal(1, hello.Seq);
        Assert.InRange(hello.Session.Length, 1, 64);
        Assert.Equal("0.20", j.GetProperty("ea_version").GetString());
        Assert.True(j.GetProperty("server_time_msc").GetInt64() > 1_700_000_000_000);
        Assert.Equal("pa\"ir", j.GetProperty("pairing_key").GetString());
        Assert.EndsWith("|133000000000000001", j.GetProperty("instance").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("C:\\Users\\me\\AppData", j.GetProperty("instance").GetString(), StringComparison.Ordinal);
        JsonElement account = j.GetProperty("account");
        Assert.Equal(5012345, account.GetProperty("login").GetInt64());
        Assert.Equal("Demo-Server", account.GetProperty("server").GetString());
        Assert.Equal("Test Broker Ltd", account.GetProperty("company").GetString());
        Assert.Equal("USD", account.GetProperty("currency").GetString());
        Assert.Equal(10000, account.GetProperty("balance").GetDouble());
        Assert.Equal(10000, account.GetProperty("equity").GetDouble());
        Assert.Equal(0, account.GetProperty("margin").GetDouble());
        Assert.Equal(10000, account.GetProperty("margin_free").GetDouble());
        Assert.Equal(0, account.GetProperty("margin_level").GetDouble());
        Assert.Equal(100, account.GetProperty("leverage").GetInt64());
        Assert.Equal("hedging", account.GetProperty("margin_mode").GetString());
        JsonElement terminal = j.GetProperty("terminal");
        Assert.Equal("C:\\Program Files\\MetaTrader 5", terminal.GetProperty("path").GetString());
        Assert.Equal(4755, terminal.GetProperty("build").GetInt64());
        Assert.Equal("MetaTrader 5", terminal.GetProperty("name").GetString());
        Assert.StartsWith("C:\\Users", terminal.GetProperty("data_path").GetString(), StringComparison.Ordinal);
        Assert.True(terminal.GetProperty("connected").GetBoolean());
        Assert.True(terminal.GetProperty("trade_allowed").GetBoolean());
    }

    [Fact]
    public void Snapshot_follows_the_accepted_welcome_with_the_full_state()
    {
        using var run = new EaRun("idle");
        (Received hello, Received snapshot) = run.Connected();
        Assert.Equal(2, snapshot.Seq);
        JsonElement j = snapshot.Json;
        Assert.Equal("connect", j.GetProperty("reason").GetString());
        Assert.True(j.GetProperty("server_time").GetInt64() > 1_700_000_000);
        Assert.Equal(j.GetProperty("server_time").GetInt64() * 1000, j.GetProperty("server_time_msc").GetInt64());
        Assert.True(j.GetProperty("connected").GetBoolean());
        Assert.Equal(5012345, j.GetProperty("account").GetProperty("login").GetInt64());
        JsonElement p = Assert.Single(j.GetProperty("positions").EnumerateArray());
        Assert.Equal(500000001, p.GetProperty("ticket").GetInt64());
        Assert.Equal(500000001, p.GetProperty("identifier").GetInt64());
        Assert.Equal("XAUUSD", p.GetProperty("symbol").GetString());
        Assert.Equal("BUY", p.GetProperty("type").GetString());
        Assert.Equal(0.5, p.GetProperty("volume").GetDouble());
        Assert.Equal(2345.67, p.GetProperty("price_open").GetDouble());
        Assert.Equal(2300, p.GetProperty("sl").GetDouble());
        Assert.Equal(0, p.GetProperty("tp").GetDouble());
        Assert.Equal("preloaded \"quoted\" \\ é", p.GetProperty("comment").GetString());
        foreach (string f in new[] { "price_current", "profit" })
        {
            Assert.Equal(JsonValueKind.Number, p.GetProperty(f).ValueKind);
        }
        foreach (string f in new[] { "time_msc", "time_update_msc", "magic" })
        {
            Assert.Equal(JsonValueKind.Number, p.GetProperty(f).ValueKind);
        }
        JsonElement o = Assert.Single(j.GetProperty("orders").EnumerateArray());
        Assert.Equal(500000002, o.GetProperty("ticket").GetInt64());
        Assert.Equal("SELL_LIMIT", o.GetProperty("type").GetString());
        Assert.Equal(0.25, o.GetProperty("volume").GetDouble());
        Assert.Equal(0.25, o.GetProperty("volume_initial").GetDouble());
        Assert.Equal(1.1, o.GetProperty("price_open").GetDouble());
        Assert.Equal(0, o.GetProperty("price_stoplimit").GetDouble());
        Assert.Equal("SPECIFIED", o.GetProperty("type_time").GetString());
        Assert.Equal(0, o.GetProperty("expiration_msc").GetInt64() % 1000);
        Assert.True(o.GetProperty("expiration_msc").GetInt64() > j.GetProperty("server_time").GetInt64() * 1000);
        Assert.Equal("", o.GetProperty("comment").GetString());
        Assert.Equal(hello.Session, snapshot.Session);
    }

    [Fact]
    public void Heartbeats_flow_at_the_welcome_period_and_seq_stays_contiguous()
    {
        using var run = new EaRun("idle");
        run.Relay.HeartbeatMs = 200;
        (Received hello, _) = run.Connected();
        for (int i = 0; i < 5; i++)
        {
            run.Relay.WaitFor("heartbeat", Wait);
        }
        run.Relay.WaitFor(m => m.Type == "snapshot" && m.Json.GetProperty("reason").GetString() == "periodic", Wait);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
        Assert.Single(run.Relay.All, m => m.Type == "hello");
    }

    [Fact]
    public void Resync_seq_gap_brings_a_resync_snapshot()
    {
        using var run = new EaRun("idle");
        (Received hello, _) = run.Connected();
        run.Relay.Send(hello, new { type = "resync", reason = "seq_gap" });
        Received s = run.Relay.WaitFor(m => m.Type == "snapshot" && m.Json.GetProperty("reason").GetString() == "resync", Wait);
        Assert.Equal(hello.Session, s.Session);
        run.Relay.Send(hello, new { type = "some_future_type", x = new[] { 1, 2 } });
        run.Relay.WaitFor("heartbeat", Wait);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
    }

    [Fact]
    public void Resync_storage_failed_brings_a_resync_snapshot_in_the_same_session()
    {
        using var run = new EaRun("idle");
        (Received hello, _) = run.Connected();
        run.Relay.Send(hello, new { type = "resync", reason = "storage_failed" });
        Received s = run.Relay.WaitFor(m => m.Type == "snapshot" && m.Json.GetProperty("reason").GetString() == "resync", Wait);
        Assert.Equal(hello.Session, s.Session);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
        Assert.Single(run.Relay.All, m => m.Type == "hello");
    }

    [Fact]
    public void Resync_unknown_session_starts_over_with_hello_seq_1()
    {
        using var run = new EaRun("idle");
        (Received hello, _) = run.Connected();
        run.Relay.Send(hello, new { type = "resync", reason = "unknown_session" });
        // WaitFor only looks at messages that arrive from now on.
        Received again = run.Relay.WaitFor("hello", Wait);
        Assert.Equal(1, again.Seq);
        Assert.Equal(hello.Session, again.Session);
        Received s = run.Relay.WaitFor("snapshot", Wait);
        Assert.Equal(2, s.Seq);
        Assert.Equal("connect", s.Json.GetProperty("reason").GetString());
    }

    [Fact]
    public void Refused_welcome_keeps_the_connection_and_repeats_hello_every_5_s_without_state()
    {
        using var run = new EaRun("idle");
        run.Relay.Accept = false;
        Received first = run.Relay.WaitFor("hello", Wait);
        Received second = run.Relay.WaitFor("hello", Wait);
        Assert.Equal(first.Session, second.Session);
        Assert.Equal(first.Seq + 1, second.Seq);
        Assert.DoesNotContain(run.Relay.All, m => m.Type is "snapshot" or "heartbeat");
        run.Ea.WaitForLine(l => l.StartsWith("COMMENT ", StringComparison.Ordinal) && l.Contains("NOT CONNECTED", StringComparison.Ordinal)
            && l.Contains("is not the account this relay serves", StringComparison.Ordinal) && l.Contains("[wrong_account]", StringComparison.Ordinal), Wait);
        run.Relay.Accept = true;
        Received snapshot = run.Relay.WaitFor("snapshot", TimeSpan.FromSeconds(15));
        Assert.Equal(first.Session, snapshot.Session);
        EaRun.AssertSeqContiguous(run.Relay.All, first.Session);
        Assert.Single(run.Ea.Lines, l => l.Contains("PRINT MasterSender refused", StringComparison.Ordinal));
    }

    [Fact]
    public void Relay_silent_for_5_s_makes_the_EA_reconnect_with_a_new_session()
    {
        using var run = new EaRun("idle");
        (Received hello, _) = run.Connected();
        run.Relay.AnswerHeartbeats = false;
        Received again = run.Relay.WaitFor("hello", Wait);
        Assert.NotEqual(hello.Session, again.Session);
        Assert.Equal(1, again.Seq);
        Assert.NotEqual(hello.Identity, again.Identity);
        run.Ea.WaitForLine(l => l.Contains("PRINT MasterSender disconnected: relay silent for 5 s", StringComparison.Ordinal), Wait);
    }

    [Theory]
    [InlineData(9, "terminal_closed")]
    [InlineData(1, "removed")]
    [InlineData(5, "parameters")]
    public void Goodbye_on_deinit_names_the_uninitialize_reason(int reason, string expected)
    {
        using var run = new EaRun("idle", "--deinit-reason", reason.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (Received hello, _) = run.Connected();
        run.Ea.Stop(Wait);
        Received bye = run.Relay.WaitFor("goodbye", Wait);
        Assert.Equal(expected, bye.Json.GetProperty("reason").GetString());
        Assert.Equal(hello.Session, bye.Session);
        EaRun.AssertSeqContiguous(run.Relay.All, hello.Session);
        Assert.Equal(0, run.Ea.ExitCode);
    }
}
