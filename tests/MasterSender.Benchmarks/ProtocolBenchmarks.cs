using BenchmarkDotNet.Attributes;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks;

/// <summary>Parsing what the EA sends: one position event, and a 1,000-position snapshot.</summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private byte[] _position = null!;
    private byte[] _snapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _position = ProtocolWriter.Write(new PositionUpdate { Session = "bench", Seq = 3, Position = Fixtures.Position(42) });
        _snapshot = ProtocolWriter.Write(Fixtures.Snapshot(Enumerable.Range(1, 1000).Select(i => Fixtures.Position(i))));
    }

    [Benchmark(Description = "parse one position message")]
    public bool ParsePosition() => ProtocolReader.ReadEaMessage(_position).IsOk;

    [Benchmark(Description = "parse a 1,000-position snapshot")]
    public bool ParseSnapshot() => ProtocolReader.ReadEaMessage(_snapshot).IsOk;
}
