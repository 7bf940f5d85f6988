using System.Text;
using MasterSender.Broadcast;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MasterSender.Relay.Hosting;

/// <summary>`login` and `logout` for headless machines: the same protected session store the relay reads at start.</summary>
public static class LoginCommand
{
    public static async Task<int> RunAsync(RelayCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        WebApplication app;
        var dataFolder = DataPaths.DefaultDataFolder();
        try
        {
            var builder = RelayApp.CreateBuilder(command);
            dataFolder = builder.Configuration["Storage:Path"]!;
            builder.Logging.ClearProviders();
            app = RelayApp.Build(builder);
        }
#pragma warning disable CA1031 // A missing or wrong setting is one clear line and exit 4, never an unhandled exception.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await StartFailure.ReportAsync(exception, dataFolder);
            return RelayRunner.ExitStartFailed;
        }

        await using var disposeApp = app;
        if (string.IsNullOrWhiteSpace(app.Configuration["Api:Url"]))
        {
            await StartFailure.ReportAsync("Could not start: Api:Url is not set: give the signal API's base URL in appsettings.json next to the exe, the environment variable MasterSender__Api__Url, or --Api:Url=https://….", dataFolder);
            return RelayRunner.ExitStartFailed;
        }

        var session = app.Services.GetRequiredService<ApiSession>();
        if (command.Verb == RelayVerb.Logout)
        {
            session.Logout();
            Console.WriteLine("Logged out: the stored session is forgotten. Restart the relay for it to take effect.");
            return 0;
        }

        var username = app.Configuration["Api:Username"];
        if (string.IsNullOrWhiteSpace(username))
        {
            Console.Write("User name: ");
            username = Console.ReadLine()?.Trim();
        }

        var password = app.Configuration["Api:Password"] ?? ReadSecret("Password: ");
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("A user name and a password are both needed.");
            return 2;
        }

        if (await session.LoginAsync(username, password, CancellationToken.None))
        {
            Console.WriteLine($"Logged in as {username}; this relay serves MT5 account {session.Current?.Login}. The session is stored protected; restart the relay (or its service) to use it.");
            return 0;
        }

        await Console.Error.WriteLineAsync("Login failed: " + session.LastError);
        return 1;
    }

    /// <summary>Reads a line without echoing it; falls back to a plain read when input is redirected.</summary>
    private static string? ReadSecret(string prompt)
    {
        Console.Write(prompt);
        if (Console.IsInputRedirected)
        {
            return Console.ReadLine();
        }

        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}
