using Gateway.Domain.Pricing;

namespace Gateway.Api.Cli;

/// <summary>Reads a price sheet given on the command line: the gateway's export or LiteLLM's own cost map.</summary>
public static class PriceFiles
{
    /// <exception cref="CliFailure">With <see cref="ExitCodes.PriceFile"/>: unreadable, not JSON, or not a price sheet.</exception>
    public static async Task<PriceSheet> ReadAsync(string path, CancellationToken ct)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliFailure(ExitCodes.PriceFile, $"cannot read the price file '{path}': {ex.Message}");
        }

        var reading = PriceFile.Read(content);
        return reading.Sheet ?? throw new CliFailure(ExitCodes.PriceFile, $"'{path}' {reading.Problem}");
    }
}
