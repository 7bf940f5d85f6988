using MasterSender.Relay.Hosting;

var command = RelayCommand.Parse(args);
if (command.Verb == RelayVerb.Help)
{
    if (command.Error is not null)
    {
        Console.Error.WriteLine(command.Error);
    }

    Console.WriteLine(HelpText.Text);
    return command.Error is null ? 0 : 2;
}

return 0;
