using MasterSender.Benchmarks.Apart;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>The sandbox API in its own process (<see cref="SandboxProcessVerb"/>): its URL, and every signal it
/// accepted, stamped in its handler, in <see cref="Arrivals"/>.</summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;

    private SandboxProcess(ChildProcess child, ArrivalRecorder arrivals, string url)
    {
        _child = child;
        Arrivals = arrivals;
        Url = url;
    }

    public string Url { get; }

    public ArrivalRecorder Arrivals { get; }

    public static async Task<SandboxProcess> StartAsync()
    {
        var arrivals = new ArrivalRecorder();
        var child = ChildProcess.Start(SandboxProcessVerb.Verb, [], line =>
        {
            if (Arrival.FromLine(line) is not { } arrival)
            {
                return false;
            }

            arrivals.Record(arrival);
            return true;
        });
        try
        {
            var url = (await child.ExpectAsync("listening", ChildProcess.StartTimeout)).Single();
            return new SandboxProcess(child, arrivals, url);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        Arrivals.Dispose();
    }
}
