namespace MasterSender.Outbox;

/// <summary>The acceptance check's query: what the relay derived since a moment, whatever became of it since.</summary>
public sealed partial class SqliteOutbox
{
    /// <summary>Signals committed at or after <paramref name="sinceMs"/> (relay clock, Unix ms), oldest first, at most
    /// <paramref name="limit"/>. History cleaning may already have removed old finished ones; a check asks about seconds ago.</summary>
    public IReadOnlyList<OutboxSignal> CreatedSince(long sinceMs, int limit)
    {
        using var connection = OpenForReading();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM signals WHERE created_at_ms >= $since ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$since", sinceMs);
        command.Parameters.AddWithValue("$limit", limit);
        return Read(command);
    }
}
