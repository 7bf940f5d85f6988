using Microsoft.Extensions.Options;

namespace MasterSender.Outbox;

/// <summary>Section <c>Storage</c>: where the relay keeps its data, and how long the outbox keeps finished signals.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Storage:Path</c>: the relay's data folder (outbox database, logs, protected keys); default: the
    /// user's local application data folder, so no admin rights are needed.</summary>
    public string Path { get; set; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "MasterSender");

    public string OutboxPath => System.IO.Path.Combine(Path, "outbox.db");

    /// <summary><c>Storage:KeepHistory</c>: how long sent, rejected, expired and superseded signals stay in the outbox
    /// (the page's signal log); pending ones are never removed. Default 30 days.</summary>
    public TimeSpan KeepHistory { get; set; } = TimeSpan.FromDays(30);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.Path) ? ValidateOptionsResult.Fail("Storage:Path must name the relay's data folder.")
        : options.KeepHistory < TimeSpan.FromHours(1) ? ValidateOptionsResult.Fail($"Storage:KeepHistory must be at least 01:00:00 (one hour), got {options.KeepHistory}.")
        : ValidateOptionsResult.Success;
}
