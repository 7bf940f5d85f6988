namespace MasterSender.Relay.Hosting;

public enum RelayVerb
{
    Run,
    Demo,
    Login,
    Logout,
    Help,
}

/// <summary>The verb and the arguments left for configuration (<c>--Api:Url=https://…</c> style).</summary>
public sealed record RelayCommand(RelayVerb Verb, string[] ConfigurationArgs, string? Error = null)
{
    public static RelayCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "help"))
        {
            return new RelayCommand(RelayVerb.Help, []);
        }

        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            return Checked(new RelayCommand(RelayVerb.Run, [.. args]));
        }

        var rest = args.Skip(1).ToArray();
        return args[0].ToUpperInvariant() switch
        {
            "RUN" => Checked(new RelayCommand(RelayVerb.Run, rest)),
            "DEMO" => Checked(new RelayCommand(RelayVerb.Demo, rest)),
            "LOGIN" => Checked(new RelayCommand(RelayVerb.Login, rest)),
            "LOGOUT" => Checked(new RelayCommand(RelayVerb.Logout, rest)),
            _ => new RelayCommand(RelayVerb.Help, [], $"Unknown command '{args[0]}'."),
        };
    }

    /// <summary>A misspelt key is an error shown with the help, never a setting silently ignored.</summary>
    private static RelayCommand Checked(RelayCommand command) =>
        ConfigurationKeys.CheckCommandLine(command.ConfigurationArgs) is { } error ? new RelayCommand(RelayVerb.Help, [], error) : command;
}
