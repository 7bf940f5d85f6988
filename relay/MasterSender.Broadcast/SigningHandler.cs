using MasterSender.Core.Signing;

namespace MasterSender.Broadcast;

/// <summary>
/// Sits inside the resilience pipeline, so it runs once per attempt: every retry gets a fresh X-Timestamp and
/// X-Signature over the same body (the API rejects stale timestamps; a replayed signature must not be needed).
/// </summary>
public sealed class SigningHandler(TimeProvider time) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<bool> SignBody = new("MasterSender.SignBody");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(SignBody, out var sign) && sign && request.Content is not null)
        {
            var token = request.Headers.Authorization?.Parameter ?? throw new InvalidOperationException("A signed request needs a bearer token.");
            var body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var signed = new SignalSigner(time).SignCanonical(body, token);
            request.Headers.Remove("X-Timestamp");
            request.Headers.Remove("X-Signature");
            request.Headers.Add("X-Timestamp", signed.Timestamp);
            request.Headers.Add("X-Signature", signed.Signature);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
