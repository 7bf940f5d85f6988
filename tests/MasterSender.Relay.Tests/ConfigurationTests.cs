using MasterSender.Relay.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace MasterSender.Relay.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("--Api:Ulr=https://api.example.com", "Api:Url")]
    [InlineData("--Ingres:Port=47800", "Ingress:Port")]
    [InlineData("--Storage:KeepHistroy=1.00:00:00", "Storage:KeepHistory")]
    [InlineData("--Status__Prot=1", "Status:Port")]
    public void A_misspelt_key_on_the_command_line_is_refused_naming_the_nearest_valid_key(string arg, string nearest)
    {
        var command = RelayCommand.Parse(["run", arg]);

        Assert.Equal(RelayVerb.Help, command.Verb);
        Assert.Contains($"--{nearest}?", command.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--Api:Url=https://api.example.com")]
    [InlineData("demo", "--ingress:port=0")]
    [InlineData("run", "--Serilog:MinimumLevel:Override:MasterSender.Broadcast=Debug")]
    [InlineData("login", "--Storage:Path")]
    public void Known_keys_pass_whatever_their_case_or_form(string verb, string arg)
    {
        var command = RelayCommand.Parse([verb, arg, "value-for-the-space-form"]);

        Assert.Null(command.Error);
        Assert.NotEqual(RelayVerb.Help, command.Verb);
    }

    [Fact]
    public void Help_says_run_stays_in_the_foreground()
    {
        Assert.Contains("run       (default) Run the relay in the foreground", HelpText.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Serilog_section_sets_the_log_level()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:MasterSender.Broadcast"] = "Debug",
        }).Build();
        var logger = new LoggerConfiguration();
        RelayApp.ConfigureLogging(logger, _folder, console: false, configuration);
        using var log = logger.CreateLogger();

        Assert.False(log.IsEnabled(LogEventLevel.Information));
        Assert.True(log.IsEnabled(LogEventLevel.Warning));
        Assert.True(log.ForContext("SourceContext", "MasterSender.Broadcast.DeliveryService").IsEnabled(LogEventLevel.Debug));
    }

    [Fact]
    public void The_shipped_appsettings_json_parses_with_its_comments_and_changes_no_default()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(sample), $"{sample}: the relay's commented appsettings.json must be shipped beside it");
        Assert.Contains("// \"Url\": ", File.ReadAllText(sample), StringComparison.Ordinal);

        var configuration = new ConfigurationBuilder().AddJsonFile(sample).Build();

        Assert.DoesNotContain(configuration.AsEnumerable(), pair => pair.Value is not null);
    }

    [Fact]
    public void The_start_up_log_names_the_sources_in_effect_without_values()
    {
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(_folder).AddJsonFile("appsettings.json", optional: true);
        RelayConfiguration.Apply(configuration, ["--Api:Password=secret-value"], _folder);

        var sources = RelayConfiguration.DescribeSources(configuration);

        Assert.Contains(Path.Combine(_folder, "appsettings.json") + " (not found)", sources, StringComparison.Ordinal);
        Assert.Contains("environment variables MasterSender__*", sources, StringComparison.Ordinal);
        Assert.Contains("command line", sources, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", sources, StringComparison.Ordinal);
    }
}
