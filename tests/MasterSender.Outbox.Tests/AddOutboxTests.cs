using MasterSender.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MasterSender.Outbox.Tests;

public sealed class AddOutboxTests
{
    [Fact]
    public async Task TheOutbox_IsAtStoragePath_AndIsThePipelinesJournal_EvenWhenAddedTwice()
    {
        var folder = TempDirectory.Create();
        using var host = Build(new() { ["Storage:Path"] = folder }, twice: true);
        await host.StartAsync();

        var outbox = host.Services.GetRequiredService<SqliteOutbox>();
        Assert.Equal(Path.Combine(folder, "outbox.db"), outbox.DatabasePath);
        Assert.Same(outbox, host.Services.GetRequiredService<ISignalJournal>());
        Assert.True(File.Exists(outbox.DatabasePath));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Storage:KeepHistory", "00:05:00")]
    [InlineData("Storage:Path", " ")]
    public async Task ABadStorageSetting_StopsTheStart_NamingTheKey(string key, string value)
    {
        using var host = Build(new() { ["Storage:Path"] = TempDirectory.Create(), [key] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings, bool twice = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOutbox(builder.Configuration);
        if (twice)
        {
            builder.Services.AddOutbox(builder.Configuration);
        }

        return builder.Build();
    }
}
