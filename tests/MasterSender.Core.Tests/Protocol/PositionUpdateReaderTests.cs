using System.Text;
using System.Text.Json;
using MasterSender.Core.Protocol;

namespace MasterSender.Core.Tests.Protocol;

/// <summary>The position message's own reader must read exactly what the serializer reads, and leave every frame it
/// is not sure of to the serializer (which names the problem).</summary>
public class PositionUpdateReaderTests
{
    private const string Position = "{\"ticket\":10,\"identifier\":9,\"symbol\":\"EURUSD\",\"type\":\"SELL\",\"volume\":0.1,\"price_open\":1.085,\"sl\":1.08,\"tp\":1.09,\"price_current\":1.0851,\"profit\":-1.5,\"time_msc\":1732400000123,\"time_update_msc\":1732400000456,\"magic\":7,\"comment\":\"x\"}";

    public static TheoryData<string> ReadAlike() =>
    [
        $$"""{"v":1,"type":"position","session":"s1","seq":3,"position":{{Position}}}""",
        // Another member order, whitespace, members this relay does not know (nested too), defaults left out.
        $$""" { "position" : {"comment":"é \u00e9 \"q\"","price_open":1e0,"volume":2.5E-1,"new":{"a":[1,{"b":null}]},"type":"BUY","symbol":"GBPUSD","ticket":123456789012} , "seq":9007199254740993,"later":[true,false,null],"session":"\u0073","v":1,"type":"position"} """,
        // Escaped member names and a negative, zero and large numbers.
        """{"\u0076":1,"type":"position","session":"s","seq":1,"position":{"ticke\u0074":1,"symbol":"X","type":"BUY","volume":1,"price_open":1,"sl":0,"tp":0,"profit":-0.0,"magic":-5,"time_msc":0}}""",
        // Out of double's range: read as infinity by both, and refused by the message's check afterwards.
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1e999}}""",
    ];

    public static TheoryData<string> LeftToTheSerializer() =>
    [
        """{"v":1,"type":"position","session":"s1","seq":3,"seq":4,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1}}""",
        """{"v":1,"type":"position","session":null,"seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1.5,"symbol":"X","type":"BUY","volume":1,"price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"buy","volume":1,"price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":"1","price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1}} x""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1},}""",
        """{"v":4294967296,"type":"position","session":"s1","seq":3,"position":{"ticket":1,"symbol":"X","type":"BUY","volume":1,"price_open":1}}""",
        """{"v":1,"type":"position","session":"s1","seq":3,"position":[]}""",
    ];

    [Theory]
    [MemberData(nameof(ReadAlike))]
    public void A_well_formed_position_message_reads_as_the_serializer_reads_it(string json)
    {
        var frame = Encoding.UTF8.GetBytes(json);
        var bySerializer = JsonSerializer.Deserialize(frame, ProtocolJson.TypeInfo(typeof(PositionUpdate)));

        var byOwnReader = PositionUpdateReader.TryRead(frame);

        Assert.NotNull(byOwnReader);
        Assert.Equal(bySerializer, byOwnReader);
        Assert.Equal(((PositionUpdate)bySerializer!).Position, byOwnReader.Position);
    }

    [Theory]
    [MemberData(nameof(LeftToTheSerializer))]
    public void A_frame_it_is_not_sure_of_is_left_to_the_serializer_which_names_the_problem(string json)
    {
        var frame = Encoding.UTF8.GetBytes(json);

        Assert.Null(PositionUpdateReader.TryRead(frame));
        var read = ProtocolReader.ReadEaMessage(frame);
        if (read.Error is { } error)
        {
            Assert.NotEqual("", error.ToString());
        }
    }
}
