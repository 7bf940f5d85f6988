using MasterSender.Core.Accounts;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

public sealed class SqliteOutboxTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));
    private readonly string path = Path.Combine(TempDirectory.Create(), "outbox.db");

    [Fact]
    public void Commit_StoresCanonicalBodiesAndTheBook_AndBothSurviveReopening()
    {
        var signal = Signals.Make(42, 1, SignalAction.Open, 1);
        using (var outbox = new SqliteOutbox(path, time))
        {
            outbox.Commit(Signals.Login, [signal], "{\"book\":1}");
        }

        using var reopened = new SqliteOutbox(path, time);
        Assert.Equal("{\"book\":1}", reopened.LoadBook(Signals.Login));
        Assert.Null(reopened.LoadBook(999));
        var stored = Assert.Single(reopened.PendingHeads(10));
        Assert.Equal(CanonicalJson.Serialize(signal.ToPayload()), stored.Body);
        Assert.Equal(("5001-P42-1", 42L, "OPEN", OutboxState.Pending), (stored.IdempotencyKey, stored.Ticket, stored.Action, stored.State));
    }

    [Fact]
    public void Commit_IsAllOrNothing_WhenASignalIsInvalid()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [], "old");

        Assert.Throws<ArgumentException>(() => outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Open, 1, login: 9)], "new"));

        Assert.Equal("old", outbox.LoadBook(Signals.Login));
        Assert.Empty(outbox.PendingHeads(10));
    }

    [Fact]
    public void Commit_SameKeyTwice_IsStoredOnce()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1)], "a");
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1)], "b");

        Assert.Equal(1, outbox.Counts().Pending);
    }

    [Fact]
    public void PendingHeads_GivesTheOldestOfEachTicket_AndMovesOnWhenItIsDone()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Open, 1), Signals.Make(1, 2, SignalAction.Close, 1)], "");

        var heads = outbox.PendingHeads(10);
        Assert.Equal(["5001-P1-1", "5001-P2-1"], heads.Select(h => h.IdempotencyKey));

        outbox.MarkSent(heads[0].Id, attempts: 1, latencyMs: 12);
        Assert.Equal(["5001-P2-1", "5001-P1-2"], outbox.PendingHeads(10).Select(h => h.IdempotencyKey));
        var sent = outbox.Recent(10, OutboxState.Sent).Single();
        Assert.Equal((1, 12L), (sent.Attempts, sent.LatencyMs!.Value));
    }

    [Fact]
    public void Outcomes_AreKeptForThePage_WithAttemptsAndLastError()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Modify, 1), Signals.Make(3, 1, SignalAction.Modify, 1)], "");
        var heads = outbox.PendingHeads(10);

        outbox.MarkExpired(heads[0].Id, "too old");
        outbox.RecordFailure(heads[1].Id, 2, "503: down", nextAttemptAtMs: 99);
        outbox.MarkRejected(heads[2].Id, 1, "422: no");

        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 0, Rejected: 1, Expired: 1), outbox.Counts());
        var pending = outbox.Recent(10, OutboxState.Pending).Single();
        Assert.Equal((2, "503: down", 99L), (pending.Attempts, pending.LastError, pending.NextAttemptAtMs!.Value));
        Assert.Equal(3, outbox.Recent(10).Count);
    }

    [Fact]
    public void AllowedAccount_IsRemembered()
    {
        using (var outbox = new SqliteOutbox(path, time))
        {
            Assert.Null(outbox.LoadAllowedAccount());
            outbox.SaveAllowedAccount(new AllowedAccount(5001, @"C:\MT5\terminal64.exe"));
        }

        using var reopened = new SqliteOutbox(path, time);
        Assert.Equal(new AllowedAccount(5001, @"C:\MT5\terminal64.exe"), reopened.LoadAllowedAccount());
    }

    [Fact]
    public void Database_UsesWal()
    {
        using var outbox = new SqliteOutbox(path, time);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
