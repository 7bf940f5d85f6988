using System.Net;
using System.Net.Http.Headers;
using MasterSender.Core.Signing;
using Microsoft.Extensions.Time.Testing;

namespace MasterSender.Broadcast.Tests;

public sealed class SigningHandlerTests
{
    [Fact]
    public async Task EveryAttempt_GetsAFreshTimestampAndSignature_OverTheSameBody()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000));
        var seen = new List<(string Timestamp, string Signature, string Body)>();
        using var handler = new SigningHandler(time) { InnerHandler = new Capture(seen) };
        using var invoker = new SameRequestInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/signal/broadcast") { Content = new StringContent("{\"a\":1}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "tok");
        request.Options.Set(SigningHandler.SignedBody, "{\"a\":1}");

        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        time.Advance(TimeSpan.FromMilliseconds(250));
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.Equal(["1764000000000", "1764000000250"], seen.Select(s => s.Timestamp));
        Assert.All(seen, s => Assert.True(SignalSigner.Verify("tok", s.Timestamp, s.Body, s.Signature)));
        Assert.NotEqual(seen[0].Signature, seen[1].Signature);
    }

    /// <summary>Sends the same request object twice, as a retry strategy inside the client's handler chain does.</summary>
    private sealed class SameRequestInvoker(HttpMessageHandler handler) : HttpMessageInvoker(handler, disposeHandler: false);

    private sealed class Capture(List<(string, string, string)> seen) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add((request.Headers.GetValues("X-Timestamp").Single(), request.Headers.GetValues("X-Signature").Single(), await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
