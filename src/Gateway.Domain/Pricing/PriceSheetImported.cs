namespace Gateway.Domain.Pricing;

/// <summary>
/// An operator imported a price file (<c>prices import FILE</c>, the gateway's export or LiteLLM's own
/// model_prices_and_context_window.json). Its prices lie over the built-in sheet, under a configured
/// <c>general_settings.price_sheet</c>, from the next start-up of each gateway (see <see cref="ActivePriceSheet"/>).
/// </summary>
/// <param name="Version">The version of the imported prices alone.</param>
/// <param name="File">The file's name as given, for people.</param>
public sealed record PriceSheetImported(
    string Version,
    IReadOnlyDictionary<string, ModelPrice> Models,
    string File,
    DateTimeOffset At,
    string By);
