using MasterSender.Core.Signing;

namespace MasterSender.Broadcast;

/// <summary>
/// Sits inside the resilience pipeline, so it runs once per attempt: every retry gets a fresh X-Timestamp and
/// X-Signature over the same body (the API rejects stale timestamps; a replayed signature must not be needed).
/// </summary>
public sealed class SigningHandler(TimeProvider time) : DelegatingHandler
{
    /// <summary>The canonical body the request's content carries (as UTF-8): what is signed. Handed over as the string
    /// rather than read back from the content, which copied and decoded the body again on every attempt.</summary>
    public static readonly HttpRequestOptionsKey<string> SignedBody = new("MasterSender.SignedBody");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(SignedBody, out var body))
        {
            var token = request.Headers.Authorization?.Parameter ?? throw new InvalidOperationException("A signed request needs a bearer token.");
            var signed = new SignalSigner(time).SignCanonical(body, token);
            request.Headers.Remove("X-Timestamp");
            request.Headers.Remove("X-Signature");
            request.Headers.TryAddWithoutValidation("X-Timestamp", signed.Timestamp);
            request.Headers.TryAddWithoutValidation("X-Signature", signed.Signature);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
