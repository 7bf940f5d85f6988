using MasterSender.Core.Accounts;
using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Protocol;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using MasterSender.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Outbox.Tests;

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
            outbox.Commit(Signals.Login, [signal], Signals.Book("{\"book\":1}"));
        }

        using var reopened = new SqliteOutbox(path, time);
        Assert.Equal("{\"book\":1}", reopened.LoadBook(Signals.Login)?.Header);
        Assert.Null(reopened.LoadBook(999));
        var stored = Assert.Single(reopened.PendingHeads(10));
        Assert.Equal(CanonicalJson.Serialize(signal.ToPayload()), stored.Body);
        Assert.Equal(("5001-P42-1", 42L, "OPEN", OutboxState.Pending), (stored.IdempotencyKey, stored.Ticket, stored.Action, stored.State));
    }

    [Fact]
    public void TheBooksPieces_AreStoredChangedAndDeletedAsTheCommitsSay_AndARewriteReplacesThemAll()
    {
        static BookItem Piece(BookItemKind kind, string key, string? value) => new(kind, key, value);
        using (var outbox = new SqliteOutbox(path, time))
        {
            outbox.Commit(Signals.Login, [], new BookChanges("h1", [Piece(BookItemKind.Position, "1", "p1"), Piece(BookItemKind.Position, "2", "p2"), Piece(BookItemKind.Revision, "P1", "r1")], Rewrite: true));
            outbox.Commit(Signals.Login, [], new BookChanges("h2", [Piece(BookItemKind.Position, "1", "p1'"), Piece(BookItemKind.Position, "2", null), Piece(BookItemKind.Order, "3", "o3")], Rewrite: false));
            outbox.Commit(999, [], new BookChanges("other", [Piece(BookItemKind.Position, "1", "x")], Rewrite: true));
        }

        using var reopened = new SqliteOutbox(path, time);
        var stored = reopened.LoadBook(Signals.Login)!;
        Assert.Equal("h2", stored.Header);
        Assert.Equal(
            [Piece(BookItemKind.Position, "1", "p1'"), Piece(BookItemKind.Order, "3", "o3"), Piece(BookItemKind.Revision, "P1", "r1")],
            stored.Items.OrderBy(item => item.Kind));

        reopened.Commit(Signals.Login, [], new BookChanges("h3", [Piece(BookItemKind.Position, "5", "p5")], Rewrite: true));
        Assert.Equal([Piece(BookItemKind.Position, "5", "p5")], reopened.LoadBook(Signals.Login)!.Items);
        Assert.Equal([Piece(BookItemKind.Position, "1", "x")], reopened.LoadBook(999)!.Items);
    }

    [Fact]
    public void AVersion3Outbox_WithItsBookStoredWhole_IsMigrated_AndTheRelayContinuesFromThatBook()
    {
        var account = new AccountInfo { Login = Signals.Login, Server = "Demo", MarginMode = MarginMode.Hedging };
        static PositionState Position(double sl) => new() { Ticket = 1, Identifier = 1, Symbol = "EURUSD", Volume = 0.1, PriceOpen = 1.08, Sl = sl };
        var old = new TradeBook(Signals.Login);
        old.ApplySnapshot(new Snapshot { Session = "s", Seq = 1, Account = account, Positions = [Position(sl: 1.07)], Orders = [] }, 0);
        CreateOldOutbox("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE signals (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL, login INTEGER NOT NULL, ticket INTEGER NOT NULL,
                action TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, detected_at_ms INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at_ms INTEGER, completed_at_ms INTEGER, latency_ms INTEGER,
                replaced INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX signals_pending ON signals (login, ticket, id) WHERE state = 'pending';
            CREATE UNIQUE INDEX signals_pending_key ON signals (idempotency_key) WHERE state = 'pending';
            CREATE INDEX signals_state ON signals (state);
            CREATE INDEX signals_replaced ON signals (replaced) WHERE replaced > 0;
            CREATE TABLE books (login INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
            INSERT INTO books VALUES (5001, $book, 1);
            PRAGMA user_version = 3;
            """, old.ToState().Serialize());

        using var outbox = new SqliteOutbox(path, time);
        var pipeline = new SignalPipeline(outbox, time);
        var repeated = pipeline.Apply(Signals.Login, new Snapshot { Session = "s", Seq = 2, Account = account, Positions = [Position(sl: 1.07)], Orders = [] });
        var moved = pipeline.Apply(Signals.Login, new PositionUpdate { Session = "s", Seq = 3, Position = Position(sl: 1.06) });

        Assert.Empty(repeated);
        Assert.Equal("5001-P1-1", Assert.Single(moved).IdempotencyKey);
        var stored = outbox.LoadBook(Signals.Login)!;
        Assert.StartsWith(BookStorage.HeaderMark, stored.Header, StringComparison.Ordinal);
        Assert.Equal(1.06, BookStorage.Load(stored)!.State.Positions.Single().Sl);
    }

    /// <summary>Writes an outbox as an older relay left it (its tables and rows in <paramref name="sql"/>; <c>$book</c> bound to <paramref name="book"/>).</summary>
    private void CreateOldOutbox(string sql, string? book = null)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = sql;
        if (book is not null)
        {
            create.Parameters.AddWithValue("$book", book);
        }

        create.ExecuteNonQuery();
    }

    [Fact]
    public void Commit_IsAllOrNothing_WhenASignalIsInvalid()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [], Signals.Book("old"));

        Assert.Throws<ArgumentException>(() => outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Open, 1, login: 9)], Signals.Book("new")));

        Assert.Equal("old", outbox.LoadBook(Signals.Login)?.Header);
        Assert.Empty(outbox.PendingHeads(10));
    }

    [Fact]
    public void AVersion1Outbox_IsMigrated_KeepingEveryRowAndItsIds_AndTakesNewSignalsAfterThem()
    {
        CreateOldOutbox("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE signals (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, login INTEGER NOT NULL, ticket INTEGER NOT NULL,
                action TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, detected_at_ms INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at_ms INTEGER, completed_at_ms INTEGER, latency_ms INTEGER);
            CREATE INDEX signals_pending ON signals (state, login, ticket, id);
            CREATE TABLE books (login INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
            INSERT INTO signals (id, idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, latency_ms)
                VALUES (41, '5001-P1-1', 5001, 1, 'OPEN', '{}', 'sent', 1, 1, 7), (42, '5001-P1-2', 5001, 1, 'CLOSE', '{}', 'pending', 1, 1, NULL);
            INSERT INTO books VALUES (5001, 'kept', 1);
            """);

        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(2, 1, SignalAction.Open, 1)], Signals.Book("new"));

        Assert.Equal([(43L, "5001-P2-1"), (42L, "5001-P1-2"), (41L, "5001-P1-1")], outbox.Recent(10).Select(s => (s.Id, s.IdempotencyKey)));
        Assert.Equal(7, outbox.Recent(10, OutboxState.Sent).Single().LatencyMs);
        Assert.Equal(["5001-P1-2", "5001-P2-1"], outbox.PendingHeads(10).Select(s => s.IdempotencyKey));
        Assert.Equal("new", outbox.LoadBook(Signals.Login)?.Header);
        Assert.Null(outbox.LoadAllowedAccount());

        // Version 1's UNIQUE key is gone: a key already sent queues again (the API will answer 409 duplicate).
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1)], Signals.Book("again"));
        Assert.Equal(3, outbox.Counts().Pending);
    }

    [Fact]
    public async Task AVersion2Outbox_IsMigrated_AndItsQueuedSlTpChangeIsReplacedByTheNextOne()
    {
        CreateOldOutbox("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE signals (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL, login INTEGER NOT NULL, ticket INTEGER NOT NULL,
                action TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, detected_at_ms INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at_ms INTEGER, completed_at_ms INTEGER, latency_ms INTEGER);
            CREATE INDEX signals_pending ON signals (login, ticket, id) WHERE state = 'pending';
            CREATE UNIQUE INDEX signals_pending_key ON signals (idempotency_key) WHERE state = 'pending';
            CREATE INDEX signals_state ON signals (state);
            CREATE TABLE books (login INTEGER PRIMARY KEY, state TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
            INSERT INTO signals (id, idempotency_key, login, ticket, action, body, state, detected_at_ms, created_at_ms, attempts)
                VALUES (7, '5001-P1-1', 5001, 1, 'OPEN', '{}', 'sent', 1, 1, 1), (8, '5001-P1-2', 5001, 1, 'MODIFY', '{}', 'pending', 1, 1, 2);
            PRAGMA user_version = 2;
            """);

        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 3, SignalAction.Modify, 1)], Signals.Book("new"));

        var next = (await outbox.NextToSendAsync(Signals.Login, 1)).Next!;
        Assert.Equal((8L, "5001-P1-3", 2), (next.Id, next.IdempotencyKey, next.Attempts));
        Assert.Equal(new OutboxCounts(Pending: 1, Sent: 1, Rejected: 0, Expired: 0) { Replaced = 1 }, outbox.Counts());
    }

    [Fact]
    public void Commit_SameKeyTwice_IsStoredOnce()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1)], Signals.Book("a"));
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1)], Signals.Book("b"));

        Assert.Equal(1, outbox.Counts().Pending);
    }

    [Fact]
    public async Task PendingHeads_GivesTheOldestOfEachTicket_AndMovesOnWhenItIsDone()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Open, 1), Signals.Make(1, 2, SignalAction.Close, 1)], Signals.Book(""));

        var heads = outbox.PendingHeads(10);
        Assert.Equal(["5001-P1-1", "5001-P2-1"], heads.Select(h => h.IdempotencyKey));

        await outbox.MarkSentAsync(heads[0], attempts: 1, latencyMs: 12);
        Assert.Equal(["5001-P2-1", "5001-P1-2"], outbox.PendingHeads(10).Select(h => h.IdempotencyKey));
        var sent = outbox.Recent(10, OutboxState.Sent).Single();
        Assert.Equal((1, 12L), (sent.Attempts, sent.LatencyMs!.Value));
    }

    [Fact]
    public async Task Outcomes_AreKeptForThePage_WithAttemptsAndLastError()
    {
        using var outbox = new SqliteOutbox(path, time);
        outbox.Commit(Signals.Login, [Signals.Make(1, 1, SignalAction.Open, 1), Signals.Make(2, 1, SignalAction.Modify, 1), Signals.Make(3, 1, SignalAction.Modify, 1)], Signals.Book(""));
        var heads = outbox.PendingHeads(10);

        await outbox.MarkExpiredAsync(heads[0], "too old");
        await outbox.RecordFailureAsync(heads[1], 2, "503: down", nextAttemptAtMs: 99);
        await outbox.MarkRejectedAsync(heads[2], 1, "422: no");

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
