using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MasterSender.Core.Protocol;
using MasterSender.Ingress.Tests;

namespace MasterSender.Relay.Tests;

/// <summary>
/// The real exe under <c>ulimit -n 1024</c>: plain TCP connections that never speak must not use up its file
/// descriptors (NetMQ's accept path then throws on its I/O thread and the process aborts); an EA must still connect.
/// </summary>
public sealed partial class IdleConnectionFloodTests : IDisposable
{
    private const int IdleConnections = 1500;

    private readonly string _folder = Directory.CreateTempSubdirectory("ms-flood-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The relay's log may still be closing.
        }
    }

    [Fact]
    public async Task An_EA_is_welcomed_while_1500_idle_connections_are_held_under_a_1024_descriptor_limit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var relay = StartUnderDescriptorLimit();
        var idle = new List<Socket>();
        var connected = 0;
        try
        {
            var port = await EaPortAsync(relay);

            for (var i = 0; i < IdleConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), connectTimeout.Token);
                    connected++;
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException)
                {
                    // Refused or dropped once the relay is down; the assertions below say what happened.
                }
            }

            Assert.False(relay.HasExited, "The relay died while idle connections were opened.");
            Assert.Equal(IdleConnections, connected);
            var welcomed = await TimeToWelcomeAsync(port, "flood-1");
            Assert.False(relay.HasExited, "The relay died.");
            var quiet = await TimeToWelcomeAsync(port, "flood-2");
            Console.WriteLine($"EA welcomed {welcomed.TotalMilliseconds:F0} ms after connecting, right after {connected} idle connections were opened; {quiet.TotalMilliseconds:F0} ms on the next connect");
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }

            if (!relay.HasExited)
            {
                relay.Kill(entireProcessTree: true);
            }

            await relay.WaitForExitAsync();
        }
    }

    private static async Task<TimeSpan> TimeToWelcomeAsync(int port, string session)
    {
        var started = Stopwatch.StartNew();
        using var ea = new RawZmtpClient();
        await ea.ConnectAsync(port);
        await ea.HandshakeAsync();
        await ea.SendAsync(RawZmtpClient.Frame(ProtocolWriter.Write(Hello(session))));
        var (_, body) = await ea.ReceiveFrameAsync();
        Assert.IsType<Welcome>(ProtocolReader.ReadRelayMessage(body).Message);
        return started.Elapsed;
    }

    private static Hello Hello(string session) => new()
    {
        Session = session,
        Seq = 1,
        EaVersion = "0.1.0",
        Instance = "flood|1",
        Account = Simulator.SimulatedTerminal.Demo(RelayUnderTest.Login).Account,
        Terminal = new TerminalInfo { Path = @"C:\Program Files\MetaTrader 5", Build = 4620 },
    };

    private Process StartUnderDescriptorLimit()
    {
        var relay = string.Join(' ', new[]
        {
            "dotnet", Path.Combine(AppContext.BaseDirectory, "MasterSender.Relay.dll"), "run",
            "--Status:Port=0", "--Ingress:Port=0", $"--Storage:Path={_folder}",
            "--Api:Url=http://127.0.0.1:9",
        }.Select(Quote));
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("ulimit -n 1024; exec " + relay);
        return Process.Start(info)!;
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<int> EaPortAsync(Process relay)
    {
        while (await relay.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            if (EaPort().Match(line) is { Success: true } match)
            {
                // Keep draining so the relay never blocks on a full stdout pipe.
                _ = relay.StandardOutput.ReadToEndAsync();
                _ = relay.StandardError.ReadToEndAsync();
                return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail("The relay exited before it said its EA port: " + await relay.StandardError.ReadToEndAsync());
        return 0;
    }

    [GeneratedRegex(@"EA port (\d+)")]
    private static partial Regex EaPort();
}
