using System.Text.Json.Serialization;

namespace MasterSender.Relay.Hosting;

[JsonSerializable(typeof(InstanceNote))]
[JsonSerializable(typeof(LegacyConfigFile))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
