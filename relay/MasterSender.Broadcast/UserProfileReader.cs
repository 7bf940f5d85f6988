using System.Globalization;
using System.Text.Json;

namespace MasterSender.Broadcast;

/// <summary>Reads <c>GET /users/me</c> tolerantly: ids as numbers or numeric strings, unknown fields ignored.</summary>
internal static class UserProfileReader
{
    public static UserProfile Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ApiException("GET /users/me did not answer a JSON object.");
        }

        var allowed = Long(root, "allowed_mt5_id") ?? throw new ApiException("GET /users/me has no allowed_mt5_id: no account may be broadcast.");
        return new UserProfile(
            Long(root, "id") ?? throw new ApiException("GET /users/me has no id."),
            Text(root, "username"),
            allowed,
            Text(root, "mt5_path"),
            root.TryGetProperty("subscription", out var subscription) && subscription.ValueKind is not JsonValueKind.Null
                ? (subscription.ValueKind == JsonValueKind.String ? subscription.GetString() : subscription.GetRawText())
                : null,
            (int?)Long(root, "active_clients"));
    }

    private static long? Long(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
