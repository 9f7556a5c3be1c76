using System.Buffers;
using System.Text.Json;
using Gateway.Api.Proxy;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// Writes Ollama's output in OpenAI's wire format, for one call: a whole <c>chat.completion</c> (or
/// <c>text_completion</c> for /v1/completions), or the stream's <c>chat.completion.chunk</c>s. Content, thinking as
/// <c>reasoning_content</c>, tool calls with their arguments as a JSON string and an id (Ollama's or one made up);
/// finish reason <c>tool_calls</c> when the model called tools, <c>length</c> for done_reason length, else <c>stop</c>;
/// usage from <c>prompt_eval_count</c>/<c>eval_count</c> (the prompt counted by tokenizer when Ollama leaves it out, as it
/// does for a fully cached prompt), none when Ollama reports no counts at all (the proxy then estimates).
/// </summary>
public sealed class OllamaReply(UpstreamCall call)
{
    readonly bool _text = call.Request.Endpoint == OpenAIEndpoint.Completions;
    readonly string _id = (call.Request.Endpoint == OpenAIEndpoint.Completions ? "cmpl-" : "chatcmpl-") + call.RequestId.ToString("N");
    readonly long _created = call.StartedAt.ToUnixTimeSeconds();
    readonly ArrayBufferWriter<byte> _buffer = new(1024);
    readonly List<(int Start, int Length)> _chunks = new(3);
    bool _started;
    int _toolCalls;

    public bool SawDone { get; private set; }

    /// <summary>A whole response body.</summary>
    public byte[] Completion(OllamaOutput output)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            Header(writer, _text ? "text_completion" : "chat.completion");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            if (_text)
            {
                writer.WriteString("text", output.Content);
                writer.WriteNull("logprobs");
            }
            else
            {
                writer.WriteStartObject("message");
                writer.WriteString("role", "assistant");
                if (output.Content.IsEmpty && output.ToolCalls.Count > 0)
                    writer.WriteNull("content");
                else
                    writer.WriteString("content", output.Content);
                if (!output.Thinking.IsEmpty)
                    writer.WriteString("reasoning_content", output.Thinking);
                WriteToolCalls(writer, output, withIndex: false);
                writer.WriteEndObject();
            }
            writer.WriteString("finish_reason", FinishReason(output));
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (Usage(output) is { } usage)
                WriteUsage(writer, usage);
            writer.WriteEndObject();
        }
        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Translates one stream line into up to three chunks (the output, the finish, the usage), readable through
    /// <see cref="Chunk"/> until the next call.
    /// </summary>
    public int Translate(OllamaOutput output)
    {
        _buffer.ResetWrittenCount();
        _chunks.Clear();
        var hasOutput = !output.Content.IsEmpty || (!_text && (!output.Thinking.IsEmpty || output.ToolCalls.Count > 0));
        if (hasOutput)
            WriteChunk(output, finish: false);
        if (output.Done)
        {
            SawDone = true;
            WriteChunk(output, finish: true);
            if (Usage(output) is { } usage)
                WriteUsageChunk(usage);
        }
        return _chunks.Count;
    }

    public ReadOnlyMemory<byte> Chunk(int index) => _buffer.WrittenMemory.Slice(_chunks[index].Start, _chunks[index].Length);

    void WriteChunk(OllamaOutput output, bool finish)
    {
        var start = _buffer.WrittenCount;
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            Header(writer, _text ? "text_completion" : "chat.completion.chunk");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            if (_text)
            {
                writer.WriteString("text", finish ? default : output.Content);
                writer.WriteNull("logprobs");
            }
            else
            {
                writer.WriteStartObject("delta");
                if (!_started)
                    writer.WriteString("role", "assistant");
                if (!finish)
                {
                    if (!output.Content.IsEmpty)
                        writer.WriteString("content", output.Content);
                    if (!output.Thinking.IsEmpty)
                        writer.WriteString("reasoning_content", output.Thinking);
                    WriteToolCalls(writer, output, withIndex: true);
                }
                writer.WriteEndObject();
            }
            if (finish)
                writer.WriteString("finish_reason", FinishReason(output));
            else
                writer.WriteNull("finish_reason");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        _started = true;
        _chunks.Add((start, _buffer.WrittenCount - start));
    }

    void WriteUsageChunk(TokenUsage usage)
    {
        var start = _buffer.WrittenCount;
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            Header(writer, _text ? "text_completion" : "chat.completion.chunk");
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            WriteUsage(writer, usage);
            writer.WriteEndObject();
        }
        _chunks.Add((start, _buffer.WrittenCount - start));
    }

    void Header(Utf8JsonWriter writer, string kind)
    {
        writer.WriteString("id", _id);
        writer.WriteString("object", kind);
        writer.WriteNumber("created", _created);
        writer.WriteString("model", call.Deployment.UpstreamModel);
    }

    void WriteToolCalls(Utf8JsonWriter writer, OllamaOutput output, bool withIndex)
    {
        if (output.ToolCalls.Count == 0)
            return;
        writer.WriteStartArray("tool_calls");
        foreach (var tool in output.ToolCalls)
        {
            var n = _toolCalls++;
            writer.WriteStartObject();
            if (withIndex)
                writer.WriteNumber("index", n);
            writer.WriteString("id", tool.Id ?? $"call_{call.RequestId:N}_{n}");
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", tool.Name);
            writer.WriteString("arguments", tool.Arguments);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    string FinishReason(OllamaOutput output) =>
        _toolCalls > 0 || output.ToolCalls.Count > 0 ? "tool_calls" : output.StoppedForLength ? "length" : "stop";

    TokenUsage? Usage(OllamaOutput output)
    {
        if (output.EvalCount is not { } completion)
            return null;
        var prompt = output.PromptEvalCount ?? Tokens.TokenCounter.Shared.CountPrompt(call.Request, call.Deployment.UpstreamModel);
        return new TokenUsage(prompt, completion);
    }

    static void WriteUsage(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.PromptTokens);
        writer.WriteNumber("completion_tokens", usage.CompletionTokens);
        writer.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", 0);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
