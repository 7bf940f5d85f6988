using System.Diagnostics;
using MasterSender.Core.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace MasterSender.Benchmarks.Baselines;

/// <summary>One frame from a DEALER to a ROUTER on loopback, the transport floor under our ingress.</summary>
internal static class NetMqFloor
{
    private const int Warmup = 1_000;

    public static List<double> Run(int samples)
    {
        using var router = new RouterSocket();
        var port = router.BindRandomPort("tcp://127.0.0.1");
        using var dealer = new DealerSocket($"tcp://127.0.0.1:{port}");
        var payload = ProtocolWriter.Write(new PositionUpdate { Session = "floor", Seq = 1, Position = Fixtures.Position(1) });
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + Warmup; i++)
        {
            var started = Stopwatch.GetTimestamp();
            dealer.SendFrame(payload);
            router.ReceiveMultipartMessage(2);
            if (i >= Warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return latencies;
    }
}
