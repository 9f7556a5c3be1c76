namespace Gateway.Domain.Pricing;

/// <summary>
/// The gateway started charging by another price sheet (at start-up, or after <c>prices import</c>). The sheet's
/// whole content travels with its version, so an auditor can read the prices in force at any moment from the events
/// alone, and <see cref="PriceSheet.From"/> of <see cref="Models"/> gives back the same <see cref="Version"/>.
/// Each publication is a stream of its own: nodes starting together never contend on one stream.
/// </summary>
/// <param name="Version">The sheet's content hash (<see cref="PriceSheet.Version"/>), the one requests record.</param>
/// <param name="Source">Where the prices came from, for people: "built-in", "built-in + import 1a2b… + /etc/prices.json".</param>
/// <param name="By">Who published it: a gateway node at start-up, or the user who ran <c>prices import</c>.</param>
public sealed record PriceSheetPublished(
    string Version,
    IReadOnlyDictionary<string, ModelPrice> Models,
    string Source,
    DateTimeOffset At,
    string By);
