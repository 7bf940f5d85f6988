using System.ComponentModel.DataAnnotations;

namespace MasterSender.Relay;

/// <summary>Configuration section <c>Status</c>: the page on 127.0.0.1.</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";
    public const int DefaultPort = 47801;

    /// <summary><c>Status:Port</c>; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = DefaultPort;
}
