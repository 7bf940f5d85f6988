using System.Text;
using MasterSender.Core.Protocol;

namespace MasterSender.Core.Tests.Protocol;

public class ProtocolReaderTests
{
    private static ParseResult<EaMessage> Read(string json) => ProtocolReader.ReadEaMessage(Encoding.UTF8.GetBytes(json));

    private const string Envelope = "\"v\":1,\"session\":\"s1\",\"seq\":3";

    private const string GoodPosition = "{\"ticket\":10,\"identifier\":10,\"symbol\":\"EURUSD\",\"type\":\"BUY\",\"volume\":0.1,\"price_open\":1.085,\"sl\":1.08,\"tp\":1.09,\"time_msc\":1732400000123,\"magic\":7,\"comment\":\"x\"}";

    [Fact]
    public void Every_message_the_writer_produces_reads_back_equal()
    {
        EaMessage[] messages =
        [
            Trades.Hello() with { ServerTimeMsc = 1_732_400_100_123 },
            Trades.Snapshot([Trades.Position(10, sl: 1.08)], [Trades.Order(20, PendingOrderType.SellStopLimit)]),
            Trades.Snapshot([Trades.Position(10)]) with { Connected = false, ServerTimeMsc = 1_732_400_100_456 },
            new PositionUpdate { Session = "s1", Seq = 3, Position = Trades.Position(11) },
            new PositionClosed { Session = "s1", Seq = 4, Ticket = 11, Identifier = 10, ClosePrice = 1.09, Deal = 99, TimeMsc = 5, Volume = 0.3 },
            new OrderUpdate { Session = "s1", Seq = 5, Order = Trades.Order(21) },
            new OrderRemoved { Session = "s1", Seq = 6, Ticket = 21, Reason = OrderRemovalReasons.Expired, PositionId = 0 },
            new Heartbeat { Session = "s1", Seq = 7 },
            new Goodbye { Session = "s1", Seq = 8, Reason = "removed" },
        ];

        foreach (var message in messages)
        {
            var result = ProtocolReader.ReadEaMessage(ProtocolWriter.Write(message));
            Assert.True(result.IsOk, $"{message.GetType().Name}: {result.Error}");
            Assert.Equal(Describe(message), Describe(result.Message!));
        }
    }

    [Fact]
    public void Relay_messages_read_back_equal()
    {
        RelayMessage[] messages =
        [
            new Welcome { Session = "s1", Accepted = false, Reason = RefusalReasons.WrongAccount, Message = "Account 1 is not 2", HeartbeatMs = 1000, RelayVersion = "0.1.0" },
            new Resync { Session = "s1", Reason = ResyncReasons.SeqGap },
            new HeartbeatReply { Session = "s1" },
            new HeartbeatReply { Session = "s1", ApiOk = false, ApiError = "HTTP 503 from the signal API" },
        ];

        foreach (var message in messages)
        {
            var result = ProtocolReader.ReadRelayMessage(ProtocolWriter.Write(message));
            Assert.True(result.IsOk, result.Error?.ToString());
            Assert.Equal(message, result.Message);
        }
    }

    [Fact]
    public void A_lookup_is_written_as_the_protocol_shows_and_reads_back()
    {
        var lookup = new Lookup { Session = "s1", Positions = [new LookupPosition(105, 100)], Orders = [200, 201] };

        var json = Encoding.UTF8.GetString(ProtocolWriter.Write(lookup));
        var read = Assert.IsType<Lookup>(ProtocolReader.ReadRelayMessage(Encoding.UTF8.GetBytes(json)).Message);

        // The serializer writes the type discriminator first; the EA finds members by name, in any order.
        Assert.Equal("{\"type\":\"lookup\",\"v\":1,\"session\":\"s1\",\"seq\":0,\"positions\":[{\"ticket\":105,\"identifier\":100}],\"orders\":[200,201]}", json);
        Assert.Equal(lookup.Positions, read.Positions);
        Assert.Equal(lookup.Orders, read.Orders);
    }

    [Fact]
    public void A_snapshot_from_an_EA_that_does_not_say_connected_counts_as_connected()
    {
        var snapshot = Encoding.UTF8.GetString(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1)]))).Replace(",\"connected\":true", "", StringComparison.Ordinal);

        var read = Assert.IsType<Snapshot>(Read(snapshot).Message);

        Assert.DoesNotContain("connected", snapshot, StringComparison.Ordinal);
        Assert.True(read.Connected);
    }

    [Fact]
    public void A_heartbeat_reply_says_whether_the_api_takes_signals_and_an_old_relays_reply_counts_as_ok()
    {
        var wire = System.Text.Encoding.UTF8.GetString(ProtocolWriter.Write(new HeartbeatReply { Session = "s1", ApiOk = false, ApiError = "HTTP 503" }));
        Assert.Contains("\"api_ok\":false", wire, StringComparison.Ordinal);
        Assert.Contains("\"api_error\":\"HTTP 503\"", wire, StringComparison.Ordinal);

        var old = ProtocolReader.ReadRelayMessage("{\"v\":1,\"type\":\"heartbeat\",\"session\":\"s1\",\"seq\":0}"u8.ToArray());
        Assert.True(Assert.IsType<HeartbeatReply>(old.Message).ApiOk);
    }

    [Fact]
    public void A_position_message_carries_every_field_the_book_needs()
    {
        var result = Read("{" + Envelope + ",\"type\":\"position\",\"position\":" + GoodPosition + "}");

        var position = Assert.IsType<PositionUpdate>(result.Message).Position;
        Assert.Equal(10, position.Ticket);
        Assert.Equal(PositionSide.Buy, position.Side);
        Assert.Equal(0.1, position.Volume);
        Assert.Equal(1.08, position.Sl);
        Assert.Equal(1.09, position.Tp);
        Assert.Equal(1732400000123, position.TimeMsc);
        Assert.Equal(7, position.Magic);
        Assert.Equal("x", position.Comment);
    }

    [Fact]
    public void Unknown_fields_are_ignored_so_the_protocol_can_grow()
    {
        var result = Read("{" + Envelope + ",\"type\":\"heartbeat\",\"future_field\":{\"a\":[1,2]}}");

        Assert.IsType<Heartbeat>(result.Message);
    }

    [Theory]
    [InlineData("not json at all", "$")]
    [InlineData("", "$")]
    [InlineData("[1,2,3]", "$")]
    [InlineData("null", "$")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"heartbeat\"", "$")]
    [InlineData("{\"session\":\"s1\",\"seq\":3,\"type\":\"heartbeat\"}", "v")]
    [InlineData("{\"v\":1,\"seq\":3,\"type\":\"heartbeat\"}", "session")]
    [InlineData("{\"v\":1,\"session\":\"\",\"seq\":3,\"type\":\"heartbeat\"}", "session")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"type\":\"heartbeat\"}", "seq")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":0,\"type\":\"heartbeat\"}", "seq")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":\"3\",\"type\":\"heartbeat\"}", "seq")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3}", "type")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"teleport\"}", "type")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"position\"}", "position")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"position_closed\"}", "ticket")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"position_closed\",\"ticket\":-5}", "ticket")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"order_removed\",\"ticket\":5,\"reason\":\"vanished\"}", "reason")]
    [InlineData("{\"v\":1,\"session\":\"s1\",\"seq\":3,\"type\":\"snapshot\",\"orders\":[]}", "positions")]
    public void Malformed_frames_yield_an_error_naming_the_field(string json, string field)
    {
        var result = Read(json);

        Assert.False(result.IsOk);
        Assert.Equal(ProtocolErrorKind.Malformed, result.Error!.Kind);
        Assert.Equal(field, result.Error.Field);
    }

    [Theory]
    [InlineData("\"volume\":0.1", "\"volume\":-0.1", "position.volume")]
    [InlineData("\"volume\":0.1", "\"volume\":0", "position.volume")]
    [InlineData("\"volume\":0.1", "\"volume\":\"0.1\"", "position.volume")]
    [InlineData("\"volume\":0.1", "\"volume\":NaN", "position.volume")]
    [InlineData("\"volume\":0.1", "\"volume\":1e400", "position.volume")]
    [InlineData("\"price_open\":1.085", "\"price_open\":-1", "position.price_open")]
    [InlineData("\"sl\":1.08", "\"sl\":-0.5", "position.sl")]
    [InlineData("\"type\":\"BUY\"", "\"type\":\"LONG\"", "position.type")]
    [InlineData("\"symbol\":\"EURUSD\"", "\"symbol\":\"\"", "position.symbol")]
    [InlineData("\"symbol\":\"EURUSD\",", "", "position.symbol")]
    [InlineData("\"ticket\":10", "\"ticket\":1.5", "position.ticket")]
    [InlineData("\"ticket\":10", "\"ticket\":99999999999999999999", "position.ticket")]
    public void Absurd_values_are_refused_with_the_field_named(string good, string bad, string field)
    {
        var result = Read("{" + Envelope + ",\"type\":\"position\",\"position\":" + GoodPosition.Replace(good, bad, StringComparison.Ordinal) + "}");

        Assert.False(result.IsOk, "accepted: " + bad);
        Assert.StartsWith(field, result.Error!.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_entry_in_a_snapshot_is_dropped_and_named_by_its_index_and_the_rest_is_kept()
    {
        var snapshot = Encoding.UTF8.GetString(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1), Trades.Position(2, sl: 1.08)], [Trades.Order(3)])));
        var broken = snapshot.Replace("\"sl\":1.08", "\"sl\":-1.08", StringComparison.Ordinal);

        var read = Assert.IsType<Snapshot>(Read(broken).Message);

        Assert.Equal("positions[1].sl", Assert.Single(read.DroppedItems).Field);
        Assert.Equal([1L], read.Positions.Select(p => p.Ticket));
        Assert.Equal([2L], read.DroppedPositionKeys);
        Assert.Single(read.Orders);
    }

    [Fact]
    public void A_snapshot_listing_a_position_twice_keeps_the_first_and_drops_the_second()
    {
        var read = Assert.IsType<Snapshot>(ProtocolReader.ReadEaMessage(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1), Trades.Position(1, sl: 1.07)]))).Message);

        Assert.Equal(0, Assert.Single(read.Positions).Sl);
        Assert.Equal("positions[1]", Assert.Single(read.DroppedItems).Field);
    }

    [Fact]
    public void A_snapshot_whose_account_is_bad_is_still_malformed_as_a_whole()
    {
        var snapshot = Encoding.UTF8.GetString(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1)])));

        var result = Read(snapshot.Replace("\"margin\":100", "\"margin\":-100", StringComparison.Ordinal));

        Assert.Equal("account.margin", result.Error!.Field);
    }

    [Fact]
    public void A_hello_of_another_version_is_reported_as_unsupported_with_its_session()
    {
        var result = Read("{\"v\":2,\"session\":\"abc\",\"seq\":1,\"type\":\"hello\",\"whatever\":true}");

        Assert.Equal(ProtocolErrorKind.UnsupportedVersion, result.Error!.Kind);
        Assert.Equal("abc", result.Error.Session);
        Assert.Equal("hello", result.Error.Type);
        Assert.Equal(2, result.Error.Version);
    }

    [Theory]
    [InlineData("\"type\":\"BUY\"", "\"type\":\"buy\"")]
    [InlineData("\"type\":\"BUY\"", "\"type\":0")]
    [InlineData("\"type\":\"BUY\"", "\"type\":\"Buy\"")]
    public void An_enum_value_is_read_only_as_the_EA_writes_it(string good, string bad)
    {
        var result = Read("{" + Envelope + ",\"type\":\"position\",\"position\":" + GoodPosition.Replace(good, bad, StringComparison.Ordinal) + "}");

        Assert.Equal("position.type", result.Error!.Field);
    }

    [Fact]
    public void A_null_where_the_protocol_has_a_value_is_refused_with_the_field_named()
    {
        var result = Read("{" + Envelope + ",\"type\":\"position\",\"position\":" + GoodPosition.Replace("\"comment\":\"x\"", "\"comment\":null", StringComparison.Ordinal) + "}");

        Assert.Equal("position.comment", result.Error!.Field);
    }

    [Fact]
    public void A_field_missing_inside_a_snapshot_item_is_named_by_its_index()
    {
        var snapshot = Encoding.UTF8.GetString(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1), Trades.Position(2, symbol: "GBPUSD")])));

        var result = Read(snapshot.Replace("\"symbol\":\"GBPUSD\",", "", StringComparison.Ordinal));

        Assert.Equal("positions[1].symbol", result.Error!.Field);
        Assert.Equal("is missing", result.Error.Problem);
        Assert.Equal("snapshot", result.Error.Type);
    }

    [Fact]
    public void Optional_fields_an_EA_leaves_out_take_their_protocol_defaults()
    {
        var result = Read("{" + Envelope + ",\"type\":\"order_removed\",\"ticket\":5}");

        var removed = Assert.IsType<OrderRemoved>(result.Message);
        Assert.Equal(OrderRemovalReasons.Unknown, removed.Reason);
        var goodbye = Assert.IsType<Goodbye>(Read("{" + Envelope + ",\"type\":\"goodbye\"}").Message);
        Assert.Equal("unknown", goodbye.Reason);
        var position = Assert.IsType<PositionUpdate>(Read("{" + Envelope + ",\"type\":\"position\",\"position\":" + GoodPosition.Replace(",\"comment\":\"x\"", "", StringComparison.Ordinal) + "}").Message);
        Assert.Equal("", position.Position.Comment);
    }

    [Fact]
    public void A_message_not_stamped_with_its_session_and_seq_is_never_written()
    {
        Assert.Throws<ArgumentException>(() => ProtocolWriter.Write(new Heartbeat()));
        Assert.Throws<ArgumentException>(() => ProtocolWriter.Write(new Heartbeat { Session = "s1" }));
        Assert.Contains("\"seq\":1", Encoding.UTF8.GetString(ProtocolWriter.Write(new Heartbeat { Session = "s1", Seq = 1 })), StringComparison.Ordinal);
    }

    [Fact]
    public void The_wire_names_stay_out_of_the_stored_book()
    {
        // Positions and orders are also the book's stored rows; rows written by older relays must still read.
        var stored = new Core.Book.BookState
        {
            Login = Trades.Login,
            Positions = [Trades.Position(1)],
            Orders = [Trades.Order(2, PendingOrderType.BuyStopLimit) with { PriceStopLimit = 1.07 }],
            Revisions = [],
        }.Serialize();

        Assert.Contains("\"side\":\"Buy\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"BuyStopLimit\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"price_stop_limit\":1.07", stored, StringComparison.Ordinal);
        Assert.Contains("\"type_time\":\"Gtc\"", stored, StringComparison.Ordinal);
        var wire = Encoding.UTF8.GetString(ProtocolWriter.Write(Trades.Snapshot([Trades.Position(1)], [Trades.Order(2, PendingOrderType.BuyStopLimit) with { PriceStopLimit = 1.07 }])));
        Assert.Contains("\"type\":\"BUY\"", wire, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"BUY_STOP_LIMIT\"", wire, StringComparison.Ordinal);
        Assert.Contains("\"price_stoplimit\":1.07", wire, StringComparison.Ordinal);
        Assert.Contains("\"margin_mode\":\"hedging\"", wire, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var buffer = new byte[256];
        for (var i = 0; i < 5_000; i++)
        {
            var length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length > 2)
            {
                buffer[0] = (byte)'{';
            }

            var result = ProtocolReader.ReadEaMessage(buffer.AsSpan(0, length));

            Assert.False(result.IsOk);
        }
    }

    private static string Describe(EaMessage message) => message switch
    {
        // Records holding lists compare by reference; compare their printed form instead.
        Snapshot s => $"{s with { Positions = [], Orders = [], DroppedItems = [], DroppedPositionKeys = [], DroppedOrderTickets = [] }}|{string.Join(",", s.Positions)}|{string.Join(",", s.Orders)}|{s.DroppedItems.Count}",
        _ => message.ToString(),
    };
}
