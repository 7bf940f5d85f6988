using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MasterSender.Core.Canonical;

namespace MasterSender.Core.Signing;

/// <summary>What goes on the wire for one attempt: the canonical body and its two signature headers.</summary>
public sealed record SignedRequest(string Body, string Timestamp, string Signature);

/// <summary>
/// The seed's signature: X-Timestamp = Unix ms, X-Signature = lowercase hex HMAC-SHA256 with the bearer token as key
/// over <c>timestamp + "." + canonical JSON</c>. A fresh timestamp per attempt, so retries are not replays.
/// </summary>
public sealed class SignalSigner(TimeProvider time)
{
    public SignedRequest Sign(IReadOnlyDictionary<string, object?> payload, string token) =>
        SignCanonical(CanonicalJson.Serialize(payload), token);

    /// <summary>Signs an already canonical body (the outbox stores it canonical, so it is never re-serialised).</summary>
    public SignedRequest SignCanonical(string canonicalBody, string token)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return new SignedRequest(canonicalBody, timestamp, Compute(token, timestamp, canonicalBody));
    }

    public static string Compute(string token, string timestamp, string canonicalBody)
    {
        var message = Encoding.UTF8.GetBytes(timestamp + "." + canonicalBody);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), message));
    }

    /// <summary>Constant-time check, for servers (the sandbox API) that verify what a relay sent.</summary>
    public static bool Verify(string token, string timestamp, string canonicalBody, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(token, timestamp, canonicalBody));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
