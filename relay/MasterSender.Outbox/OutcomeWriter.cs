using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace MasterSender.Outbox;

/// <summary>
/// Writes delivery outcomes (sent, rejected, failed, superseded) from every ticket's worker together: whatever queued
/// up while the last transaction was being written goes in the next one. One UPDATE per transaction capped delivery
/// at about 1,500 signals a second behind the trailing-stop commits; a batch costs about what one did. Each write
/// runs in its own savepoint, so one that fails is reported to its caller alone (a batch of one needs none: its
/// transaction is rolled back instead). Statements are prepared once on this writer's connection and reused
/// (<see cref="Statement"/>): parsing the SQL again for every outcome was a measurable part of a signal's CPU.
/// </summary>
internal sealed class OutcomeWriter : IDisposable
{
    private const int MaxBatch = 4096;
    private const long CheckpointEveryMs = 1000;

    private readonly Channel<QueuedWrite> _queue = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _gate;
    private readonly SqliteConnection _connection;
    private readonly Task _loop;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private long _lastCheckpointMs = Environment.TickCount64;

    /// <param name="connection">Opened for this writer alone.</param>
    /// <param name="gate">Held while writing, shared with the outbox's other writers so SQLite never finds itself busy.</param>
    public OutcomeWriter(SqliteConnection connection, SemaphoreSlim gate)
    {
        _connection = connection;
        _gate = gate;
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint=0";
            pragma.ExecuteNonQuery();
        }

        _loop = Task.Run(RunAsync);
    }

    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write)
    {
        var item = new QueuedWrite<T>(write);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Task;
    }

    /// <summary>
    /// The command for <paramref name="sql"/> on this writer's connection, prepared the first time and reused after
    /// (its parameters cleared, its transaction set). Only for the writes this writer runs, on its own loop.
    /// </summary>
    public SqliteCommand Statement(string sql, SqliteTransaction transaction)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(10));
        foreach (var command in _statements.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<QueuedWrite>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Drained after the gate is ours, not before: what queued up while a commit held the gate goes in this
            // batch instead of waiting a whole gate cycle more (trailing: a commit of 1,000 changes every 50 ms).
            await _gate.WaitAsync().ConfigureAwait(false);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                using var transaction = _connection.BeginTransaction();
                if (batch is [var single])
                {
                    single.Run(_connection, transaction, null);
                    if (single.Failed)
                    {
                        transaction.Rollback();
                    }
                    else
                    {
                        transaction.Commit();
                    }
                }
                else
                {
                    var savepoints = new Savepoints(this, transaction);
                    foreach (var item in batch)
                    {
                        item.Run(_connection, transaction, savepoints);
                    }

                    transaction.Commit();
                }

                batch.ForEach(item => item.Finish(null));
            }
#pragma warning disable CA1031 // The commit itself failed (disk full, I/O error): every caller hears it and retries later.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                batch.ForEach(item => item.Finish(failure));
            }
            finally
            {
                _gate.Release();
                batch.Clear();
            }

            Checkpoint();
        }
    }

    /// <summary>
    /// Copies the WAL into the database now and then, outside the gate so the commit path never waits for it (its own
    /// connection does not checkpoint). PASSIVE: it never blocks a reader or the next writer.
    /// </summary>
    private void Checkpoint()
    {
        if (Environment.TickCount64 - _lastCheckpointMs < CheckpointEveryMs)
        {
            return;
        }

        _lastCheckpointMs = Environment.TickCount64;
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // A failed checkpoint only leaves the WAL longer for a while; the next one tries again.
        }
    }

    /// <summary>One savepoint per write of a batch, through prepared statements.</summary>
    private sealed class Savepoints(OutcomeWriter writer, SqliteTransaction transaction)
    {
        public void Begin() => writer.Statement("SAVEPOINT item", transaction).ExecuteNonQuery();

        public void Release() => writer.Statement("RELEASE item", transaction).ExecuteNonQuery();

        public void RollBack()
        {
            writer.Statement("ROLLBACK TO item", transaction).ExecuteNonQuery();
            Release();
        }
    }

    private abstract class QueuedWrite
    {
        public abstract bool Failed { get; }

        /// <param name="savepoints">Null for a batch of one, whose transaction is rolled back if it fails.</param>
        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction, Savepoints? savepoints);

        /// <summary>Completes the caller's task: with the write's own error if it failed, else with <paramref name="commitFailure"/> if given.</summary>
        public abstract void Finish(Exception? commitFailure);
    }

    private sealed class QueuedWrite<T>(Func<SqliteConnection, SqliteTransaction, T> write) : QueuedWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override bool Failed => _error is not null;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction, Savepoints? savepoints)
        {
            savepoints?.Begin();
            try
            {
                _result = write(connection, transaction);
                savepoints?.Release();
            }
#pragma warning disable CA1031 // Reported to this write's caller only; the batch goes on.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                savepoints?.RollBack();
                _error = failure;
            }
        }

        public override void Finish(Exception? commitFailure)
        {
            if ((_error ?? commitFailure) is { } failure)
            {
                _done.TrySetException(failure);
            }
            else
            {
                _done.TrySetResult(_result!);
            }
        }
    }
}
