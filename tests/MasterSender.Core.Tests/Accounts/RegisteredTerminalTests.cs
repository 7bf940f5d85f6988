using MasterSender.Core.Accounts;

namespace MasterSender.Core.Tests.Accounts;

public sealed class RegisteredTerminalTests
{
    private const string Install = @"C:\Program Files\MetaTrader 5";
    private const string Data = @"C:\Users\trader\AppData\Roaming\MetaQuotes\Terminal\D0E8209F77C8CF37AD8BF550E51FF075";

    [Theory]
    [InlineData(@"C:\Program Files\MetaTrader 5\terminal64.exe")] // what the seed gave mt5.initialize(path=…)
    [InlineData(@"C:\Program Files\MetaTrader 5")]
    [InlineData(@"C:\Program Files\MetaTrader 5\")]
    [InlineData(@"c:/program files/metatrader 5/TERMINAL64.EXE")]
    [InlineData(@"C:\Users\trader\AppData\Roaming\MetaQuotes\Terminal\D0E8209F77C8CF37AD8BF550E51FF075")] // the data folder
    public void The_registered_terminal_matches_whether_named_by_its_exe_its_folder_or_its_data_folder(string mt5Path)
    {
        Assert.False(RegisteredTerminal.Mismatch(mt5Path, Install, Data));
        Assert.Equal("", RegisteredTerminal.Warning(mt5Path, Install, Data));
    }

    [Theory]
    [InlineData(@"D:\Other MT5\terminal64.exe")]
    [InlineData(@"C:\Program Files\MetaTrader 5 Second")]
    [InlineData(@"C:\Program Files")]
    public void Another_terminal_is_a_mismatch_and_the_warning_names_both_paths(string mt5Path)
    {
        Assert.True(RegisteredTerminal.Mismatch(mt5Path, Install, Data));
        var warning = RegisteredTerminal.Warning(mt5Path, Install, Data);
        Assert.Contains(Install, warning, StringComparison.Ordinal);
        Assert.Contains(mt5Path, warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, Install, Data)]
    [InlineData("", Install, Data)]
    [InlineData("  ", Install, Data)]
    [InlineData(@"D:\Other MT5", "", "")]
    public void Without_a_registered_path_or_a_terminal_path_nothing_is_called_a_mismatch(string? mt5Path, string terminalPath, string dataPath) =>
        Assert.False(RegisteredTerminal.Mismatch(mt5Path, terminalPath, dataPath));

    [Fact]
    public void A_terminal_that_only_reports_its_data_folder_is_still_compared() =>
        Assert.True(RegisteredTerminal.Mismatch(@"D:\Other MT5\terminal64.exe", "", Data));
}
