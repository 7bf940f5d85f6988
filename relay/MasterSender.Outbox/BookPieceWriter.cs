using MasterSender.Core.Book;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MasterSender.Outbox;

/// <summary>
/// Writes a commit's book pieces through SQLite's own prepared statements, bound and stepped directly: a trailing stop
/// changes 1,000 positions per commit, and Microsoft.Data.Sqlite's per-call work (a data reader and boxed parameters
/// per ExecuteNonQuery) cost more CPU than SQLite's own upserts did.
/// Runs inside the commit's transaction, on its connection. Not thread-safe, like <see cref="SignalWriter"/>.
/// </summary>
internal sealed class BookPieceWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _upsert;
    private readonly sqlite3_stmt _delete;
    private readonly sqlite3_stmt _deleteAll;

    public BookPieceWriter(SqliteConnection connection)
    {
        _connection = connection;
        _upsert = Prepare("INSERT INTO book_items (login, kind, key, value) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (login, kind, key) DO UPDATE SET value = excluded.value");
        _delete = Prepare("DELETE FROM book_items WHERE login = ?1 AND kind = ?2 AND key = ?3");
        _deleteAll = Prepare("DELETE FROM book_items WHERE login = ?1");
    }

    public void Write(long login, BookChanges book)
    {
        if (book.Rewrite)
        {
            Check(raw.sqlite3_bind_int64(_deleteAll, 1, login));
            Step(_deleteAll);
        }

        foreach (var item in book.Items)
        {
            var statement = item.Value is null ? _delete : _upsert;
            Check(raw.sqlite3_bind_int64(statement, 1, login));
            Check(raw.sqlite3_bind_int(statement, 2, (int)item.Kind));
            Check(raw.sqlite3_bind_text(statement, 3, item.Key));
            if (item.Value is not null)
            {
                Check(raw.sqlite3_bind_text(statement, 4, item.Value));
            }

            Step(statement);
        }
    }

    public void Dispose()
    {
        _upsert.Dispose();
        _delete.Dispose();
        _deleteAll.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement));
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    private void Check(int result) => SqliteException.ThrowExceptionForRC(result, _connection.Handle);
}
