using BenchmarkDotNet.Attributes;
using MasterSender.Core.Canonical;
using MasterSender.Core.Signals;
using MasterSender.Core.Signing;

namespace MasterSender.Benchmarks;

/// <summary>What every delivery attempt costs before the network: canonical JSON of one signal, and its HMAC.</summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private readonly Signal _signal = new()
    {
        IdempotencyKey = "5012345-P123456-3", Action = SignalAction.Modify, MasterLogin = 5012345, MasterTicket = 123456,
        Symbol = "EURUSD", Type = "BUY", Volume = 0.1, Price = 1.08512, Sl = 1.0801, Tp = 1.0952, DetectedAtMs = 1_732_500_780_963,
        EventTimeMsc = 1_732_500_780_900, PositionId = 123456, Magic = 7, Comment = "grid #3", PreviousSl = 1.08, PreviousTp = 1.095,
    };

    private string _body = "";

    [GlobalSetup]
    public void Setup() => _body = CanonicalJson.Serialize(_signal.ToPayload());

    [Benchmark(Description = "canonical JSON of one signal")]
    public string Canonical() => CanonicalJson.Serialize(_signal.ToPayload());

    [Benchmark(Description = "canonical JSON + HMAC-SHA256 of one signal")]
    public string CanonicalAndSign() => SignalSigner.Sign("eyJhbGciOiJIUzI1NiJ9.token", CanonicalJson.Serialize(_signal.ToPayload()), DateTimeOffset.UnixEpoch).Signature;

    [Benchmark(Description = "HMAC-SHA256 of a ready body")]
    public string SignOnly() => SignalSigner.Signature("eyJhbGciOiJIUzI1NiJ9.token", "1732500780963", _body);
}
