using System.Collections.ObjectModel;

namespace Gateway.Api.Config;

/// <summary>A deployment's <c>model_info</c>: its identity and what it is, as opposed to how to call it.</summary>
public sealed record ModelInfo
{
    /// <summary>Identifies one deployment within its group; unique across the file.</summary>
    public string? Id { get; init; }

    /// <summary>chat, completion, embedding, …</summary>
    public string? Mode { get; init; }

    /// <summary>The price-sheet entry to charge by, e.g. <c>azure/gpt-4o</c>.</summary>
    public string? BaseModel { get; init; }

    public int? MaxInputTokens { get; init; }

    public int? MaxOutputTokens { get; init; }

    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static ModelInfo Read(ConfigMapping map) => new()
    {
        Id = map.Text("id"),
        Mode = map.Text("mode"),
        BaseModel = map.Text("base_model"),
        MaxInputTokens = map.Int("max_input_tokens"),
        MaxOutputTokens = map.Int("max_output_tokens"),
        Extra = map.Rest(),
    };
}
