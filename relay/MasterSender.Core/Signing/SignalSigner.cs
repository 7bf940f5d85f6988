using System.Buffers;
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

    /// <summary>The HMAC over <c>timestamp + "." + body</c>, written as UTF-8 into one rented buffer: no
    /// concatenated string and no message or key arrays per attempt.</summary>
    public static string Compute(string token, string timestamp, string canonicalBody)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(canonicalBody);
        var keyLength = Encoding.UTF8.GetMaxByteCount(token.Length);
        var messageLength = Encoding.UTF8.GetMaxByteCount(timestamp.Length + 1 + canonicalBody.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(keyLength + messageLength);
        try
        {
            var key = buffer.AsSpan(0, Encoding.UTF8.GetBytes(token, buffer));
            var message = buffer.AsSpan(keyLength);
            var written = Encoding.UTF8.GetBytes(timestamp, message);
            message[written++] = (byte)'.';
            written += Encoding.UTF8.GetBytes(canonicalBody, message[written..]);
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, message[..written], hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, keyLength)); // The token is a secret: not left in a shared buffer.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Constant-time check, for servers (the sandbox API) that verify what a relay sent.</summary>
    public static bool Verify(string token, string timestamp, string canonicalBody, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(token, timestamp, canonicalBody));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
