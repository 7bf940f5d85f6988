using System.Globalization;
using System.Text.Json;

namespace MasterSender.Broadcast;

/// <summary>What <c>GET /users/me</c> says; unknown fields are ignored and optional ones may be missing.</summary>
public sealed record UserInfo(string? Id, string? Username, long? AllowedMt5Id, string? Mt5Path, string? Subscription, int? ActiveClients)
{
    /// <summary>Lenient: numbers may come as strings, objects where text was expected are shown as their JSON.</summary>
    public static UserInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("users/me did not answer a JSON object.");
        }

        return new UserInfo(
            Text(root, "id"),
            Text(root, "username"),
            long.TryParse(Text(root, "allowed_mt5_id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var login) && login > 0 ? login : null,
            Text(root, "mt5_path"),
            Text(root, "subscription") ?? Text(root, "subscription_type") ?? Text(root, "plan"),
            int.TryParse(Text(root, "active_clients"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var clients) ? clients : null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
            _ => null,
        } : null;
}

/// <summary>How one delivery attempt ended, and what the outbox should do about it.</summary>
public enum AttemptOutcome
{
    Sent,
    Unauthorized,
    Transient,
    Rejected,
}

public sealed record AttemptResult(AttemptOutcome Outcome, int? StatusCode, string Message, TimeSpan? RetryAfter = null);

/// <summary>The API refused the credentials or could not be reached for login.</summary>
public sealed class ApiLoginException(string message, Exception? inner = null) : Exception(message, inner);
