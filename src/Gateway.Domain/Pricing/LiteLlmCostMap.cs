using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Domain.Pricing;

/// <summary>
/// Reads and writes LiteLLM's cost map (model_prices_and_context_window.json): a JSON object from model name to
/// an entry with snake_case price fields. Hand-rolled over <see cref="JsonDocument"/> rather than a serializer so
/// that a bad value is reported with the model and field it sits in, and so that LiteLLM's own file (with its
/// "sample_spec" documentation entry and hundreds of fields we do not price) reads without ceremony.
/// </summary>
internal static class LiteLlmCostMap
{
    public const string SampleSpecKey = "sample_spec";

    // Field names, in the alphabetical order the writer uses. They match the [JsonPropertyName]s on ModelPrice.
    const string CacheCreationInputTokenCost = "cache_creation_input_token_cost";
    const string CacheReadInputTokenCost = "cache_read_input_token_cost";
    const string InputCostPerToken = "input_cost_per_token";
    const string InputCostPerTokenAbove200k = "input_cost_per_token_above_200k_tokens";
    const string LitellmProvider = "litellm_provider";
    const string MaxInputTokens = "max_input_tokens";
    const string MaxOutputTokens = "max_output_tokens";
    const string MaxTokens = "max_tokens";
    const string Mode = "mode";
    const string OutputCostPerReasoningToken = "output_cost_per_reasoning_token";
    const string OutputCostPerToken = "output_cost_per_token";
    const string OutputCostPerTokenAbove200k = "output_cost_per_token_above_200k_tokens";

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    static readonly JsonDocumentOptions ReadOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Dictionary<string, ModelPrice> Read(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith(Utf8Bom))
            utf8Json = utf8Json[Utf8Bom.Length..];

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, ReadOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException(
                $"The price sheet is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException(
                    $"The price sheet must be a JSON object from model name to prices, not {Describe(root.ValueKind)}.");

            var models = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
            foreach (JsonProperty entry in root.EnumerateObject())
            {
                // LiteLLM's file documents its own schema in a "sample_spec" entry; other non-objects carry no prices.
                if (entry.Name == SampleSpecKey || entry.Value.ValueKind != JsonValueKind.Object)
                    continue;
                models[entry.Name] = ReadEntry(entry.Name, entry.Value);
            }
            return models;
        }
    }

    static ModelPrice ReadEntry(string model, JsonElement entry)
    {
        string? provider = null, mode = null;
        int? maxInput = null, maxOutput = null, maxTokens = null;
        decimal? input = null, output = null, reasoning = null, cacheRead = null, cacheCreation = null;
        decimal? inputAbove200k = null, outputAbove200k = null;

        foreach (JsonProperty field in entry.EnumerateObject())
        {
            JsonElement value = field.Value;
            switch (field.Name)
            {
                case LitellmProvider: provider = Text(model, field.Name, value); break;
                case Mode: mode = Text(model, field.Name, value); break;
                case MaxInputTokens: maxInput = TokenLimit(model, field.Name, value); break;
                case MaxOutputTokens: maxOutput = TokenLimit(model, field.Name, value); break;
                case MaxTokens: maxTokens = TokenLimit(model, field.Name, value); break;
                case InputCostPerToken: input = Cost(model, field.Name, value); break;
                case OutputCostPerToken: output = Cost(model, field.Name, value); break;
                case OutputCostPerReasoningToken: reasoning = Cost(model, field.Name, value); break;
                case CacheReadInputTokenCost: cacheRead = Cost(model, field.Name, value); break;
                case CacheCreationInputTokenCost: cacheCreation = Cost(model, field.Name, value); break;
                case InputCostPerTokenAbove200k: inputAbove200k = Cost(model, field.Name, value); break;
                case OutputCostPerTokenAbove200k: outputAbove200k = Cost(model, field.Name, value); break;
                default: break; // LiteLLM has many more fields (image, audio, batch prices, capabilities); none price a token here.
            }
        }

        return new ModelPrice
        {
            LitellmProvider = provider,
            Mode = mode,
            MaxInputTokens = maxInput,
            MaxOutputTokens = maxOutput,
            MaxTokens = maxTokens,
            InputCostPerToken = input,
            OutputCostPerToken = output,
            OutputCostPerReasoningToken = reasoning,
            CacheReadInputTokenCost = cacheRead,
            CacheCreationInputTokenCost = cacheCreation,
            InputCostPerTokenAbove200kTokens = inputAbove200k,
            OutputCostPerTokenAbove200kTokens = outputAbove200k,
        };
    }

    static string? Text(string model, string field, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Invalid(model, field, "a string", value),
    };

    static decimal? Cost(string model, string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid(model, field, "a number (USD per token)", value);
        if (!value.TryGetDecimal(out decimal cost))
            throw Invalid(model, field, "a number within decimal range", value);
        if (cost < 0)
            throw Invalid(model, field, "a price of zero or more", value);
        return cost;
    }

    static int? TokenLimit(string model, string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid(model, field, "a number of tokens", value);
        if (value.TryGetInt32(out int tokens) && tokens >= 0)
            return tokens;
        // Some hand-written sheets say 128000.0 or 1e6; a limit is informational, so take the whole part.
        double approximate = value.GetDouble();
        if (approximate < 0)
            throw Invalid(model, field, "a number of tokens of zero or more", value);
        return (int)Math.Min(Math.Floor(approximate), int.MaxValue);
    }

    static FormatException Invalid(string model, string field, string expected, JsonElement value) =>
        new($"Price sheet entry \"{model}\": field \"{field}\" must be {expected}, but is {Describe(value)}.");

    static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        _ => Describe(value.ValueKind),
    };

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Writes the models with keys in ordinal order and fields in alphabetical order, leaving out missing values,
    /// with decimals stripped of trailing zeros: the same prices always give the same bytes, which is what the
    /// sheet's version hashes.
    /// </summary>
    public static byte[] Write(IReadOnlyDictionary<string, ModelPrice> models, bool indented)
    {
        string[] names = new string[models.Count];
        int i = 0;
        foreach (string name in models.Keys)
            names[i++] = name;
        Array.Sort(names, StringComparer.Ordinal);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = indented,
            IndentSize = 4,
            // Model names are data for people and LiteLLM, not HTML: keep '+' and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartObject();
            foreach (string name in names)
            {
                writer.WritePropertyName(name);
                WriteEntry(writer, models[name]);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    static void WriteEntry(Utf8JsonWriter writer, ModelPrice price)
    {
        writer.WriteStartObject();
        WriteCost(writer, CacheCreationInputTokenCost, price.CacheCreationInputTokenCost);
        WriteCost(writer, CacheReadInputTokenCost, price.CacheReadInputTokenCost);
        WriteCost(writer, InputCostPerToken, price.InputCostPerToken);
        WriteCost(writer, InputCostPerTokenAbove200k, price.InputCostPerTokenAbove200kTokens);
        WriteText(writer, LitellmProvider, price.LitellmProvider);
        WriteLimit(writer, MaxInputTokens, price.MaxInputTokens);
        WriteLimit(writer, MaxOutputTokens, price.MaxOutputTokens);
        WriteLimit(writer, MaxTokens, price.MaxTokens);
        WriteText(writer, Mode, price.Mode);
        WriteCost(writer, OutputCostPerReasoningToken, price.OutputCostPerReasoningToken);
        WriteCost(writer, OutputCostPerToken, price.OutputCostPerToken);
        WriteCost(writer, OutputCostPerTokenAbove200k, price.OutputCostPerTokenAbove200kTokens);
        writer.WriteEndObject();
    }

    static void WriteCost(Utf8JsonWriter writer, string field, decimal? value)
    {
        if (value is { } cost)
            writer.WriteNumber(field, WithoutTrailingZeros(cost));
    }

    static void WriteLimit(Utf8JsonWriter writer, string field, int? value)
    {
        if (value is { } tokens)
            writer.WriteNumber(field, tokens);
    }

    static void WriteText(Utf8JsonWriter writer, string field, string? value)
    {
        if (value is not null)
            writer.WriteString(field, value);
    }

    // decimal keeps the scale it was parsed with (0.0 vs 0, 1.50e-6 vs 1.5e-6); dividing by one with the largest
    // scale reduces it to the fewest digits, so equal prices serialise identically.
    static decimal WithoutTrailingZeros(decimal value) =>
        // Dividing by 1.000…m is the usual trick but depends on how the divisor's scale survives compilation;
        // a round trip through the shortest fixed-point text does not.
        decimal.Parse(value.ToString("0.############################", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
