using MasterSender.Core.Canonical;

namespace MasterSender.Core.Signals;

/// <summary>
/// One change a follower must copy. Immutable, and carries everything the API payload needs so that a
/// retry sends byte-identical JSON (only the signature's timestamp changes between attempts).
/// </summary>
public sealed record Signal
{
    /// <summary>Same change, same key, across retries and restarts: <c>{login}-{P|O}{ticket}-{revision}</c>.</summary>
    public required string IdempotencyKey { get; init; }
    public required SignalAction Action { get; init; }
    public required long MasterLogin { get; init; }

    /// <summary>The position ticket, or the pending order ticket for ORDER_* actions.</summary>
    public required long MasterTicket { get; init; }
    public required string Symbol { get; init; }

    /// <summary>BUY/SELL for positions, BUY_LIMIT … SELL_STOP_LIMIT for pending orders.</summary>
    public required string Type { get; init; }

    /// <summary>The volume after the change (for CLOSE: the volume that was closed).</summary>
    public required double Volume { get; init; }

    /// <summary>Open price; for CLOSE the close price when known; for orders the order price.</summary>
    public required double Price { get; init; }
    public required double Sl { get; init; }
    public required double Tp { get; init; }

    /// <summary>Trade-server time of the change in ms when the terminal told it, else 0.</summary>
    public long EventTimeMsc { get; init; }

    /// <summary>Relay clock, Unix ms, when the change was detected.</summary>
    public required long DetectedAtMs { get; init; }

    public long PositionId { get; init; }
    public long Magic { get; init; }
    public string Comment { get; init; } = "";
    public long OpenedAtMsc { get; init; }

    /// <summary>Volume before a PARTIAL_CLOSE or INCREASE.</summary>
    public double? PreviousVolume { get; init; }
    public double? PreviousSl { get; init; }
    public double? PreviousTp { get; init; }

    /// <summary>On an OPEN that a pending order's fill created: that order's ticket, so followers can match it.</summary>
    public long? OrderTicket { get; init; }

    /// <summary>ORDER_DELETED: filled, cancelled, expired, rejected or unknown.</summary>
    public string? Reason { get; init; }
    public double? PriceStopLimit { get; init; }
    public long? ExpirationMsc { get; init; }
    public string? TypeTime { get; init; }

    /// <summary>
    /// The body of <c>POST /signal/broadcast</c> before canonicalisation: the seed's fields with the seed's names,
    /// plus the additions documented in docs/api-contract.md. Optional fields are left out when unset.
    /// </summary>
    public SortedDictionary<string, object?> ToPayload()
    {
        // In canonical (code-point) order, so CanonicalJson writes it without sorting again.
        var payload = new SortedDictionary<string, object?>(CodePointComparer.Instance)
        {
            ["action"] = Action.ToWire(),
            ["idempotency_key"] = IdempotencyKey,
            ["master_login"] = MasterLogin,
            ["master_ticket"] = MasterTicket,
            ["symbol"] = Symbol,
            ["type"] = Type,
            ["volume"] = Volume,
            ["price"] = Price,
            ["sl"] = Sl,
            ["tp"] = Tp,
            ["event_time_msc"] = EventTimeMsc,
            ["detected_at_msc"] = DetectedAtMs,
            ["magic"] = Magic,
            ["comment"] = Comment,
        };
        AddIfSet(payload, "position_id", PositionId == 0 ? null : PositionId);
        AddIfSet(payload, "opened_at_msc", OpenedAtMsc == 0 ? null : OpenedAtMsc);
        AddIfSet(payload, "previous_volume", PreviousVolume);
        AddIfSet(payload, "previous_sl", PreviousSl);
        AddIfSet(payload, "previous_tp", PreviousTp);
        AddIfSet(payload, "order_ticket", OrderTicket);
        AddIfSet(payload, "reason", Reason);
        AddIfSet(payload, "price_stoplimit", PriceStopLimit);
        AddIfSet(payload, "expiration_msc", ExpirationMsc);
        AddIfSet(payload, "type_time", TypeTime);
        return payload;
    }

    private static void AddIfSet(SortedDictionary<string, object?> payload, string key, object? value)
    {
        if (value is not null)
        {
            payload[key] = value;
        }
    }
}
