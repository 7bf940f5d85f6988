using System.Reflection;
using MasterSender.Ingress;
using MasterSender.Relay.Hosting;
using Microsoft.Extensions.Configuration;

namespace MasterSender.Relay.Tests;

public sealed class HostingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-hosting-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(new string[0], RelayVerb.Run)]
    [InlineData(new[] { "--Ingress:Port=1" }, RelayVerb.Run)]
    [InlineData(new[] { "run" }, RelayVerb.Run)]
    [InlineData(new[] { "demo", "--Status:Port=0" }, RelayVerb.Demo)]
    [InlineData(new[] { "LOGIN" }, RelayVerb.Login)]
    [InlineData(new[] { "logout" }, RelayVerb.Logout)]
    [InlineData(new[] { "--help" }, RelayVerb.Help)]
    [InlineData(new[] { "demo", "-h" }, RelayVerb.Help)]
    public void Commands_are_recognised(string[] args, RelayVerb verb)
    {
        var command = RelayCommand.Parse(args);

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Error);
    }

    [Fact]
    public void An_unknown_command_is_an_error_that_shows_the_help()
    {
        var command = RelayCommand.Parse(["serve"]);

        Assert.Equal(RelayVerb.Help, command.Verb);
        Assert.Contains("serve", command.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_names_every_command_and_every_configuration_key()
    {
        var help = HelpText.Text;
        foreach (var verb in new[] { "run", "demo", "login", "logout", "--help" })
        {
            Assert.Contains(verb, help, StringComparison.Ordinal);
        }

        foreach (var (section, type) in new[]
        {
            (IngressOptions.Section, typeof(IngressOptions)),
            (StatusOptions.Section, typeof(StatusOptions)),
            (MasterSender.Broadcast.ApiOptions.Section, typeof(MasterSender.Broadcast.ApiOptions)),
            (MasterSender.Broadcast.SignalOptions.Section, typeof(MasterSender.Broadcast.SignalOptions)),
            (MasterSender.Outbox.StorageOptions.Section, typeof(MasterSender.Outbox.StorageOptions)),
        })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                Assert.Contains($"{section}:{property.Name}", help, StringComparison.Ordinal);
            }
        }

        foreach (var key in new[] { "Api:Url", "Api:Username", "Api:Password", "Signals:MaxOpenAge", "Storage:Path" })
        {
            Assert.Contains(key, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_seed_config_file_sets_the_API_URL_and_nothing_else()
    {
        File.WriteAllText(Path.Combine(_folder, LegacyConfig.FileName), """
            { "api": { "url": "https://signals.example" }, "mt5": { "login": 42, "path": "C:/x" }, "service": { "loop_interval": 0.1 } }
            """);
        var configuration = new ConfigurationManager();

        RelayConfiguration.Apply(configuration, [], _folder);

        Assert.Equal("https://signals.example", configuration["Api:Url"]);
        Assert.Null(configuration["Ingress:ReconcileInterval"]); // the EA's ReconcileMs input sets that period
        Assert.Null(configuration["Mt5:Login"]);
    }

    [Fact]
    public void The_command_line_wins_over_the_seed_config_file()
    {
        File.WriteAllText(Path.Combine(_folder, LegacyConfig.FileName), """{ "api": { "url": "https://old.example" } }""");
        var configuration = new ConfigurationManager();

        RelayConfiguration.Apply(configuration, ["--Api:Url=https://new.example"], _folder);

        Assert.Equal("https://new.example", configuration["Api:Url"]);
    }

    [Fact]
    public void A_broken_seed_config_file_is_an_error_naming_the_file()
    {
        var path = Path.Combine(_folder, LegacyConfig.FileName);
        File.WriteAllText(path, "{ api: ");

        var error = Assert.Throws<InvalidOperationException>(() => RelayConfiguration.Apply(new ConfigurationManager(), [], _folder));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_one_holder_of_the_instance_lock_at_a_time_and_the_second_learns_who()
    {
        var lockFile = Path.Combine(_folder, "relay.lock");
        using (var first = SingleInstanceLock.TryAcquire(lockFile, out _))
        {
            Assert.NotNull(first);
            first.Announce("http://127.0.0.1:47801/");

            var second = SingleInstanceLock.TryAcquire(lockFile, out var holder);

            Assert.Null(second);
            Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), holder, StringComparison.Ordinal);
            Assert.Contains("http://127.0.0.1:47801/", holder, StringComparison.Ordinal);
        }

        using var again = SingleInstanceLock.TryAcquire(lockFile, out _);
        Assert.NotNull(again);
    }
}
