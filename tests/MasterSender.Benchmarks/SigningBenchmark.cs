using BenchmarkDotNet.Attributes;
using MasterSender.Core.Signals;
using MasterSender.Core.Signing;

namespace MasterSender.Benchmarks;

/// <summary>Canonical JSON plus HMAC of one signal: the relay's per-attempt CPU cost.</summary>
[MemoryDiagnoser]
public class SigningBenchmark
{
    private readonly SignalSigner signer = new(TimeProvider.System);
    private readonly Signal signal = BenchSignals.Make(123456, 1, 1_764_000_000_000);

    [Benchmark]
    public SignedRequest CanonicalJsonAndHmac() => signer.Sign(signal.ToPayload(), "a-bearer-token-of-typical-length-0123456789abcdef");
}
