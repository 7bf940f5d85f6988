using MasterSender.Core.Book;
using MasterSender.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Outbox.Tests;

/// <summary>The outbox stores a book's pieces one row each; what it reads back must be exactly what the commits said
/// (<see cref="BookStorage.Apply"/> is that meaning, in memory).</summary>
public sealed class BookPiecesTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));
    private readonly string path = Path.Combine(TempDirectory.Create(), "outbox.db");

    [Fact]
    public void Random_commits_of_pieces_read_back_as_the_reference_says_across_reopening()
    {
        var random = new Random(4_2026_1202);
        StoredBook? expected = null;
        var outbox = new SqliteOutbox(path, time);
        try
        {
            for (var commit = 0; commit < 300; commit++)
            {
                var changes = new BookChanges($"header {commit}", RandomPieces(random, commit), Rewrite: random.Next(40) == 0);
                outbox.Commit(Signals.Login, [], changes);
                expected = BookStorage.Apply(expected, changes);
                if (random.Next(30) == 0)
                {
                    outbox.Dispose();
                    outbox = new SqliteOutbox(path, time);
                }

                var stored = outbox.LoadBook(Signals.Login)!;
                Assert.Equal(expected.Header, stored.Header);
                Assert.Equal(Sorted(expected.Items), Sorted(stored.Items));
            }
        }
        finally
        {
            outbox.Dispose();
        }

        Assert.True(expected!.Items.Count > 100, "the book should have grown over many buckets");
    }

    private static List<BookItem> RandomPieces(Random random, int commit)
    {
        var kinds = Enum.GetValues<BookItemKind>();
        return Enumerable.Range(0, random.Next(1, random.Next(10) == 0 ? 400 : 6))
            .Select(_ => new BookItem(
                kinds[random.Next(kinds.Length)],
                random.Next(3) == 0 ? $"P{random.Next(500)}" : random.Next(500).ToString(System.Globalization.CultureInfo.InvariantCulture),
                random.Next(4) == 0 ? null : $"{{\"v\":{commit},\"q\":\"\\\"é\"}}"))
            .DistinctBy(item => (item.Kind, item.Key))
            .ToList();
    }

    private static List<BookItem> Sorted(IEnumerable<BookItem> items) =>
        [.. items.OrderBy(item => item.Kind).ThenBy(item => item.Key, StringComparer.Ordinal)];
}
