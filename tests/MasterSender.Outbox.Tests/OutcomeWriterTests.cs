using MasterSender.Outbox;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox.Tests;

/// <summary>The outcome writer batches writes into one transaction; a write that fails must take nothing of its own
/// into the database and nothing of anyone else's out of it, whether it ran alone or in a batch.</summary>
public sealed class OutcomeWriterTests : IDisposable
{
    private readonly string _path = Path.Combine(TempDirectory.Create(), "outcomes.db");
    private readonly SemaphoreSlim _gate = new(1, 1);

    [Fact]
    public async Task AFailingWrite_AloneOrInABatch_IsUndoneAndReportedToItsCallerOnly_AndTheOthersAreKept()
    {
        Execute("CREATE TABLE marks (n INTEGER NOT NULL)");
        using (var writer = new OutcomeWriter(Open(), _gate))
        {
            // Alone: each awaited before the next is queued.
            await writer.WriteAsync((_, transaction) => Insert(writer, transaction, 1));
            var alone = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync<int>((_, transaction) => InsertThenFail(writer, transaction, 2)));
            Assert.Equal("write 2 failed", alone.Message);
            await writer.WriteAsync((_, transaction) => Insert(writer, transaction, 3));

            // Queued together, so the writer may take them in one transaction.
            var together = new[] { 4, 5, 6 }
                .Select(n => n == 5 ? writer.WriteAsync((_, transaction) => InsertThenFail(writer, transaction, n)) : writer.WriteAsync((_, transaction) => Insert(writer, transaction, n)))
                .ToList();
            await together[0];
            await Assert.ThrowsAsync<InvalidOperationException>(() => together[1]);
            await together[2];
        }

        Assert.Equal([1, 3, 4, 6], Marks());
    }

    public void Dispose() => _gate.Dispose();

    private static int Insert(OutcomeWriter writer, SqliteTransaction transaction, int n)
    {
        // Through the writer's reused statements, as the outbox's outcomes go.
        var command = writer.Statement("INSERT INTO marks (n) VALUES ($n)", transaction);
        command.Parameters.AddWithValue("$n", n);
        return command.ExecuteNonQuery();
    }

    private static int InsertThenFail(OutcomeWriter writer, SqliteTransaction transaction, int n)
    {
        Insert(writer, transaction, n);
        throw new InvalidOperationException($"write {n} failed");
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        return connection;
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<long> Marks()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT n FROM marks ORDER BY n";
        using var reader = command.ExecuteReader();
        var marks = new List<long>();
        while (reader.Read())
        {
            marks.Add(reader.GetInt64(0));
        }

        return marks;
    }
}
