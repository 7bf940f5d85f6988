using MasterSender.Core.Signing;

namespace MasterSender.Broadcast;

/// <summary>
/// Signs each attempt as it leaves: it sits inside the resilience handler, so every retry gets a fresh
/// <c>X-Timestamp</c> and <c>X-Signature</c> over the unchanged body (a stale timestamp would be refused as a replay).
/// </summary>
internal sealed class SigningHandler(TimeProvider time) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> Token = new("MasterSender.Token");
    public static readonly HttpRequestOptionsKey<string> Body = new("MasterSender.Body");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Token, out var token) && request.Options.TryGetValue(Body, out var body))
        {
            var signed = SignalSigner.Sign(token, body, time.GetUtcNow());
            request.Headers.Remove("X-Timestamp");
            request.Headers.Remove("X-Signature");
            request.Headers.Add("X-Timestamp", signed.Timestamp);
            request.Headers.Add("X-Signature", signed.Signature);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
