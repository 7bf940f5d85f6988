using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MasterSender.Core.Signing;

/// <summary>A body ready to send: the canonical JSON and the seed's two headers.</summary>
public sealed record SignedBody(string Body, string Timestamp, string Signature);

/// <summary>
/// The seed's signature: <c>X-Timestamp</c> = Unix ms, <c>X-Signature</c> = lowercase hex of
/// HMAC-SHA256(key = the bearer token as UTF-8, message = timestamp + "." + canonical JSON). Each attempt signs
/// afresh with the current time; the body stays byte-identical.
/// </summary>
public static class SignalSigner
{
    public static SignedBody Sign(string token, string canonicalBody, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return new SignedBody(canonicalBody, timestamp, Signature(token, timestamp, canonicalBody));
    }

    public static string Signature(string token, string timestamp, string canonicalBody)
    {
        ArgumentNullException.ThrowIfNull(token);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(timestamp + "." + canonicalBody));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Constant-time check, for the sandbox API and tests.</summary>
    public static bool Verify(string token, string timestamp, string canonicalBody, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Signature(token, timestamp, canonicalBody));
        var actual = Encoding.ASCII.GetBytes(signature ?? "");
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
