using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

/// <summary>
/// Polls a condition until a real-time deadline, moving the fake clock forward a little each round so retries and
/// timers come due. Never a fixed sleep: it returns as soon as the condition holds, and fails at the deadline.
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, FakeTimeProvider? time = null, TimeSpan? step = null, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            time?.Advance(step ?? TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }
    }
}
