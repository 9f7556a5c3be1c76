namespace Gateway.Domain.Pricing;

/// <summary>
/// A price file an operator hands the gateway: its own <c>prices export</c>, or LiteLLM's
/// model_prices_and_context_window.json. One reading for every door it comes in by (<c>prices import</c>,
/// <c>audit --prices</c>, the portal's upload), so a file is accepted or refused the same way, with the same words.
/// </summary>
public static class PriceFile
{
    /// <summary>The sheet the file holds, or why it is not one (said after the file's name: "'x.json' is not a price sheet: …").</summary>
    public static PriceFileReading Read(ReadOnlySpan<byte> content)
    {
        PriceSheet sheet;
        try
        {
            sheet = PriceSheet.Parse(content);
        }
        catch (FormatException ex)
        {
            return PriceFileReading.Refused($"is not a price sheet: {ex.Message}");
        }
        return sheet.Models.Count == 0
            ? PriceFileReading.Refused("prices no model: expected LiteLLM's cost-map format, {\"model\": {\"input_cost_per_token\": …}}.")
            : new PriceFileReading(sheet, null);
    }
}

/// <summary>A price file read: the <see cref="Sheet"/>, or the <see cref="Problem"/> that kept it from being one.</summary>
public sealed record PriceFileReading(PriceSheet? Sheet, string? Problem)
{
    public static PriceFileReading Refused(string problem) => new(null, problem);
}
