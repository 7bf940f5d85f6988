namespace MasterSender.Relay.Status;

/// <summary>
/// "Something the page shows may have changed." Producers call <see cref="Notify"/> from any thread; each
/// server-sent-events stream awaits <see cref="WaitAsync"/> and then re-renders the status once, however many
/// notifications came meanwhile.
/// </summary>
public sealed class ChangeFeed
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        Volatile.Read(ref _next).Task.WaitAsync(timeout, time, cancellationToken).ContinueWith(
            static _ => { },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
