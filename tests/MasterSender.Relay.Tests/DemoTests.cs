using MasterSender.Core.Protocol;
using MasterSender.Relay.Demo;
using MasterSender.Relay.Hosting;
using MasterSender.Simulator;

namespace MasterSender.Relay.Tests;

public sealed class DemoTests
{
    // The demo's own API on the command line: no sandbox is started, so only the folder choice is exercised.
    private static readonly string[] OwnApi = ["--Api:Url=http://127.0.0.1:9", "--Api:Username=u", "--Api:Password=p"];

    [Fact]
    public async Task Each_demo_starts_in_a_fresh_empty_data_folder_that_is_removed_at_exit()
    {
        var first = await DemoSetup.StartAsync(new RelayCommand(RelayVerb.Demo, OwnApi));
        var second = await DemoSetup.StartAsync(new RelayCommand(RelayVerb.Demo, OwnApi));
        try
        {
            Assert.NotEqual(first.DataFolder, second.DataFolder);
            Assert.Empty(Directory.EnumerateFileSystemEntries(first.DataFolder));
            Assert.Empty(Directory.EnumerateFileSystemEntries(second.DataFolder));
            Assert.Contains(first.DataFolder, first.Describe(), StringComparison.Ordinal);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        Assert.False(Directory.Exists(first.DataFolder));
        Assert.False(Directory.Exists(second.DataFolder));
    }

    [Fact]
    public async Task A_demo_given_Storage_Path_on_the_command_line_uses_and_keeps_that_folder()
    {
        var folder = Directory.CreateTempSubdirectory("ms-demo-kept-").FullName;
        try
        {
            await using (var demo = await DemoSetup.StartAsync(new RelayCommand(RelayVerb.Demo, [.. OwnApi, $"--Storage:Path={folder}"])))
            {
                Assert.Equal(folder, demo.DataFolder);
                var configuration = new Microsoft.Extensions.Configuration.ConfigurationManager();
                demo.Configure(configuration);
                Assert.Equal(folder, configuration["Storage:Path"]);
            }

            Assert.True(Directory.Exists(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void The_demo_trader_only_sends_orders_a_broker_would_accept(int seed)
    {
        var terminal = SimulatedTerminal.Demo(5012345);
        var problems = new List<string>();
        DemoTrader? trader = null;
        var opens = 0;
        var trails = 0;
        var pendings = 0;
        var stepNumber = 0;
        trader = new DemoTrader(terminal, messages =>
        {
            foreach (var message in messages)
            {
                switch (message)
                {
                    case PositionUpdate { Position: var position }:
                        opens++;
                        Check(position.Symbol, position.Side == PositionSide.Buy, position.PriceCurrent, position.Sl, position.Tp, $"step {stepNumber} position {position.Ticket}");
                        if (position.Volume < 0.01)
                        {
                            problems.Add($"step {stepNumber} position {position.Ticket}: volume {position.Volume}");
                        }

                        if (position.Sl > 0)
                        {
                            trails++;
                        }

                        break;
                    case OrderUpdate { Order: var order }:
                        pendings++;
                        var buy = order.Type is PendingOrderType.BuyLimit or PendingOrderType.BuyStop;
                        var below = order.Type is PendingOrderType.BuyLimit or PendingOrderType.SellStop;
                        var market = trader!.Price(order.Symbol);
                        if (below ? order.PriceOpen >= market : order.PriceOpen <= market)
                        {
                            problems.Add($"step {stepNumber} {order.Type} at {order.PriceOpen} with the market at {market}");
                        }

                        Check(order.Symbol, buy, order.PriceOpen, order.Sl, order.Tp, $"step {stepNumber} order {order.Ticket}");
                        break;
                }
            }
        }, new Random(seed));

        for (stepNumber = 0; stepNumber < 3000; stepNumber++)
        {
            trader.Step();
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Take(10)));
        Assert.True(opens > 100 && trails > 100 && pendings > 20, $"the session should trade: {opens} position updates, {trails} with stops, {pendings} orders");

        void Check(string symbol, bool buy, double price, double sl, double tp, string what)
        {
            var market = DemoTrader.Markets.Single(m => m.Symbol == symbol);
            var farthest = 200 * market.Pip;
            if (sl < 0 || tp < 0)
            {
                problems.Add($"{what}: negative stop (sl {sl}, tp {tp})");
            }

            if (sl != 0 && ((buy ? sl >= price : sl <= price) || Math.Abs(price - sl) > farthest || Math.Round(sl, market.Digits) != sl))
            {
                problems.Add($"{what}: {(buy ? "buy" : "sell")} at {price} with stop loss {sl}");
            }

            if (tp != 0 && ((buy ? tp <= price : tp >= price) || Math.Abs(tp - price) > farthest || Math.Round(tp, market.Digits) != tp))
            {
                problems.Add($"{what}: {(buy ? "buy" : "sell")} at {price} with take profit {tp}");
            }
        }
    }
}
