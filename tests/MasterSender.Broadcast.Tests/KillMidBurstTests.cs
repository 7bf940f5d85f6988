using System.Diagnostics;
using MasterSender.Outbox;

namespace MasterSender.Broadcast.Tests;

/// <summary>A real relay process killed (not disposed) in the middle of a burst, then started again.</summary>
public sealed class KillMidBurstTests
{
    [Fact]
    public async Task KilledMidBurst_AndRestarted_EverySignalArrivesExactlyOnce()
    {
        await using var api = await SandboxServer.StartAsync();
        api.State.Faults.BroadcastDelay = TimeSpan.FromMilliseconds(15);
        var folder = TempDirectory.Create();
        var database = Path.Combine(folder, "outbox.db");
        var burst = Signals.Burst(tickets: 50, perTicket: 4, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToList();
        using (var outbox = new SqliteOutbox(database, TimeProvider.System))
        {
            outbox.Commit(Signals.Login, burst, Signals.NoBook);
        }

        using (var first = StartRelay(api.Url, folder))
        {
            await Eventually.TrueAsync(() => api.State.ReceivedCount >= 40, "part of the burst delivered");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        Assert.InRange(api.State.ReceivedCount, 40, burst.Count - 1);

        using var second = StartRelay(api.Url, folder);
        try
        {
            await Eventually.TrueAsync(() => api.State.ReceivedCount == burst.Count, "the rest after restart", deadline: TimeSpan.FromSeconds(60));
            using var outbox = new SqliteOutbox(database, TimeProvider.System);
            await Eventually.TrueAsync(() => outbox.Counts().Sent == burst.Count, "all marked sent");
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        // Exactly once at the API, by idempotency key; a send whose answer the kill cut off comes back as a 409
        // duplicate, which the API refuses and counts: never a second accepted signal.
        DeliveryTests.AssertDeliveredExactlyOnceInOrder(api, burst);
        Assert.InRange(api.State.Duplicates, 0, 32);
    }

    private static Process StartRelay(string apiUrl, string folder)
    {
        var target = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "MasterSender.Broadcast.KillTarget", "bin",
            new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0", "MasterSender.Broadcast.KillTarget.dll");
        Assert.True(File.Exists(target), $"kill target not built at {target}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { target, $"--Api:Url={apiUrl}", $"--Storage:Path={folder}", "--Signals:MaxParallelDeliveries=4" })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the relay process");
    }
}
