using MasterSender.Core.Accounts;

namespace MasterSender.Ingress.Tests;

/// <summary>The account the API would allow; settable so a test can play "not logged in yet".</summary>
internal sealed class FixedAccount(AllowedAccount? account) : IAllowedAccountProvider
{
    public AllowedAccount? Current { get; set; } = account;
}
