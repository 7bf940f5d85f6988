using MasterSender.Relay.Hosting;

var command = RelayCommand.Parse(args);
switch (command.Verb)
{
    case RelayVerb.Help:
        Console.WriteLine(HelpText.Text);
        if (command.Error is not null)
        {
            // After the help, so it is the last thing on the screen.
            Console.Error.WriteLine(command.Error);
        }

        return command.Error is null ? 0 : 2;
    case RelayVerb.Run:
    case RelayVerb.Demo:
        return await RelayRunner.RunAsync(command);
    default:
        return await LoginCommand.RunAsync(command);
}
