using System.Diagnostics;
using System.Text;
using MasterSender.Core.Canonical;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MasterSender.Benchmarks.Baselines;

internal sealed record HttpFloorResult(int BodyBytes, List<double> LatenciesMs);

/// <summary>
/// The HTTP floor under our delivery: HttpClient POSTs a signal-sized JSON body to a minimal Kestrel endpoint on
/// 127.0.0.1 that reads it and answers 200, over a kept-alive connection, one request at a time. Measured like the
/// API path: from just before the call to the moment the endpoint has read the body.
/// </summary>
internal static class HttpFloor
{
    private const int Warmup = 1_000;

    public const int BodyBytes = 400;

    public static async Task<HttpFloorResult> RunAsync(int samples)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        long arrivedAt = 0;
        app.MapPost("/floor", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            Interlocked.Exchange(ref arrivedAt, Stopwatch.GetTimestamp());
            return Results.Ok();
        });
        await app.StartAsync();

        var body = Body();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + Warmup; i++)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(new Uri("/floor", UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
            if (i >= Warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started, Interlocked.Read(ref arrivedAt)).TotalMilliseconds);
            }
        }

        await app.StopAsync();
        return new HttpFloorResult(Encoding.UTF8.GetByteCount(body), latencies);
    }

    /// <summary>A signal as the relay serialises it, its comment padded to make the body <see cref="BodyBytes"/> long.</summary>
    private static string Body()
    {
        var signal = BenchSignals.Make(1_000_001, 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var plain = CanonicalJson.Serialize(signal.ToPayload());
        var padding = Math.Max(0, BodyBytes - Encoding.UTF8.GetByteCount(plain));
        return CanonicalJson.Serialize((signal with { Comment = signal.Comment + new string('x', padding) }).ToPayload());
    }
}
