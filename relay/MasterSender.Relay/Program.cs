using MasterSender.Relay.Hosting;

var command = RelayCommand.Parse(args);
switch (command.Verb)
{
    case RelayVerb.Help:
        if (command.Error is not null)
        {
            Console.Error.WriteLine(command.Error);
        }

        Console.WriteLine(HelpText.Text);
        return command.Error is null ? 0 : 2;
    case RelayVerb.Run:
    case RelayVerb.Demo:
        return await RelayRunner.RunAsync(command);
    default:
        return await LoginCommand.RunAsync(command);
}
