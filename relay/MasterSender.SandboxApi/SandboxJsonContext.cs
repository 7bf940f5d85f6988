using System.Text.Json.Serialization;

namespace MasterSender.SandboxApi;

/// <summary>
/// Every body the sandbox answers with, serialised by code generated at compile time: the demo runs inside the trimmed,
/// AOT-compiled relay, where reflection-based JSON is off.
/// </summary>
[JsonSerializable(typeof(SandboxApi.Detail))]
[JsonSerializable(typeof(SandboxApi.TokenAnswer))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
