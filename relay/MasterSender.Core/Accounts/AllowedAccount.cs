namespace MasterSender.Core.Accounts;

/// <summary>
/// What the central API says this relay may broadcast for (<c>GET /users/me</c>): the only MT5 login whose trades
/// become signals, and the terminal path the user registered. Never read from a local file (the seed's wrong-account bug).
/// </summary>
public sealed record AllowedAccount(long Login, string? Mt5Path);

/// <summary>Answers "which account may this relay serve right now?"; null until the relay has logged in once.</summary>
public interface IAllowedAccountProvider
{
    AllowedAccount? Current { get; }
}
