namespace MasterSender.Mql5.Tests;

/// <summary>The real EA, in its harness, tells the trader when copying stops and when it is back.</summary>
public sealed class AlertTests
{
    private static readonly TimeSpan Wait = EaRun.Wait;

    [Fact]
    public void Relay_away_longer_than_AlertAfterSeconds_raises_one_alert_and_push_then_one_all_clear_in_portuguese()
    {
        int port = Harness.FreePort();
        // Past the EA's 5 s start gate, so the alert is about the relay being away, not about the terminal settling.
        using Harness ea = Harness.Start(port, "idle", 120, "--language", "Portuguese (Brazil)", "--notifications", "1", "--alert-after", "8");
        ea.WaitForLine(l => l.StartsWith("ALERT MasterSender: a cópia PAROU", StringComparison.Ordinal), Wait);
        ea.WaitForLine(l => l.StartsWith("NOTIFY MasterSender: a cópia PAROU", StringComparison.Ordinal), Wait);
        Assert.Contains(ea.Lines, l => l.StartsWith("COMMENT MasterSender 0.20: DESCONECTADO", StringComparison.Ordinal));

        using var relay = new FakeRelay(port);
        relay.WaitFor("hello", TimeSpan.FromSeconds(15));
        ea.WaitForLine(l => l.StartsWith("ALERT MasterSender: a cópia voltou ao normal", StringComparison.Ordinal), Wait);
        ea.WaitForLine(l => l.StartsWith("NOTIFY MasterSender: a cópia voltou ao normal", StringComparison.Ordinal), Wait);

        Assert.Single(ea.Lines, l => l.StartsWith("ALERT MasterSender: a cópia PAROU", StringComparison.Ordinal));
        Assert.Contains(ea.Lines, l => l.StartsWith("PRINT MasterSender relay inacessível: relay não está rodando em 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_connected_EA_raises_no_false_alarm()
    {
        int port = Harness.FreePort();
        using var relay = new FakeRelay(port);
        using Harness ea = Harness.Start(port, "idle", 120, "--alert-after", "30");
        relay.WaitFor("hello", Wait);
        ea.WaitForLine(l => l.StartsWith("COMMENT MasterSender 0.20: CONNECTED", StringComparison.Ordinal), Wait);
        ea.Stop(Wait);

        Assert.DoesNotContain(ea.Lines, l => l.StartsWith("ALERT", StringComparison.Ordinal) || l.StartsWith("NOTIFY", StringComparison.Ordinal));
    }
}
