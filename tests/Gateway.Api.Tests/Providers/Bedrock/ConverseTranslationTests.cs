using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Api.Providers.Bedrock;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>The OpenAI ↔ Converse translations on their own, for the cases the fake's scenarios do not reach.</summary>
public sealed class ConverseTranslationTests
{
    static JsonObject Translate(string openAI, bool dropParams = false)
    {
        var translation = ConverseRequest.Write(Encoding.UTF8.GetBytes(openAI), dropParams, out var error);
        Assert.True(translation is not null, error?.Message);
        var body = JsonNode.Parse(translation.Value.Body)!.AsObject();
        Assert.Null(ConverseShape.Problem(body)); // what Bedrock would accept
        return body;
    }

    [Fact]
    public void cache_control_on_a_part_becomes_a_cache_point_after_it()
    {
        var body = Translate("""
            {"model":"m","messages":[
              {"role":"system","content":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}]},
              {"role":"user","content":[{"type":"text","text":"Long document.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Question?"}]}]}
            """);
        Assert.Equal("""[{"text":"Long rules."},{"cachePoint":{"type":"default"}}]""", body["system"]!.ToJsonString());
        Assert.Equal("""[{"text":"Long document."},{"cachePoint":{"type":"default"}},{"text":"Question?"}]""", body["messages"]![0]!["content"]!.ToJsonString());
    }

    [Fact]
    public void a_tool_history_without_tools_in_the_request_still_declares_the_tools_it_used()
    {
        var body = Translate("""
            {"model":"m","messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":"","tool_calls":[{"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"t1","content":[{"type":"text","text":"-3°C"}]},
              {"role":"user","content":"Thanks. Summarise."}]}
            """);

        Assert.Equal("get_weather", body["toolConfig"]!["tools"]![0]!["toolSpec"]!["name"]!.GetValue<string>());
        var messages = body["messages"]!.AsArray();
        Assert.Equal(3, messages.Count); // the tool result and the next user text share one user turn
        Assert.Single(messages[1]!["content"]!.AsArray()); // the empty assistant text is left out
        Assert.Equal("Oslo", messages[1]!["content"]![0]!["toolUse"]!["input"]!["city"]!.GetValue<string>());
        Assert.Equal("t1", messages[2]!["content"]![0]!["toolResult"]!["toolUseId"]!.GetValue<string>());
        Assert.Equal("Thanks. Summarise.", messages[2]!["content"]![1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void broken_tool_arguments_are_replayed_as_an_empty_object()
    {
        var body = Translate("""
            {"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"messages":[
              {"role":"user","content":"Go"},
              {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},
              {"role":"tool","tool_call_id":"t1","content":"done"}]}
            """);
        Assert.Equal("{}", body["messages"]![1]!["content"]![0]!["toolUse"]!["input"]!.ToJsonString());
        Assert.Equal("""{"type":"object","properties":{}}""", body["toolConfig"]!["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!.ToJsonString());
    }

    [Fact]
    public void top_k_and_thinking_travel_in_additional_model_request_fields()
    {
        var body = Translate("""
            {"model":"m","messages":[{"role":"user","content":"Hi"}],"top_k":40,"thinking":{"type":"enabled","budget_tokens":2048},"max_completion_tokens":4096}
            """);
        Assert.Equal("""{"top_k":40,"thinking":{"type":"enabled","budget_tokens":2048}}""", body["additionalModelRequestFields"]!.ToJsonString());
        Assert.Equal(4096, body["inferenceConfig"]!["maxTokens"]!.GetValue<int>());
    }

    [Fact]
    public void n_above_one_is_refused_unless_params_are_dropped()
    {
        Assert.Null(ConverseRequest.Write("""{"model":"m","n":2,"messages":[{"role":"user","content":"Hi"}]}"""u8, false, out var error));
        Assert.Equal("n", error!.Param);
        Translate("""{"model":"m","n":2,"messages":[{"role":"user","content":"Hi"}]}""", dropParams: true);
    }

    [Fact]
    public void a_response_with_reasoning_and_two_tool_calls_becomes_one_openai_message()
    {
        var converse = """
            {"output":{"message":{"role":"assistant","content":[
               {"reasoningContent":{"reasoningText":{"text":"Two cities.","signature":"sig"}}},
               {"toolUse":{"toolUseId":"a","name":"get_weather","input":{"city":"Oslo"}}},
               {"toolUse":{"toolUseId":"b","name":"get_weather","input":{"city":"Rome"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":30,"outputTokens":20,"totalTokens":50}}
            """u8;
        var json = ConverseResponse.ToChatCompletion(converse, "chatcmpl-1", 1, "m", jsonMode: false);
        var message = JsonDocument.Parse(json!).RootElement.GetProperty("choices")[0].GetProperty("message");

        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("Two cities.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal(["a", "b"], message.GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("""{"city":"Rome"}""", message.GetProperty("tool_calls")[1].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void a_body_without_converse_shape_is_unreadable_not_a_crash()
    {
        Assert.Null(ConverseResponse.ToChatCompletion("""{"message":"hi"}"""u8, "id", 1, "m", false));
        Assert.Null(ConverseResponse.ToChatCompletion("not json"u8, "id", 1, "m", false));
    }

    [Fact]
    public void streamed_tool_calls_in_later_content_blocks_are_numbered_from_zero_and_reasoning_streams_apart()
    {
        using var translator = new ConverseStreamTranslator("id", 1, "m", jsonMode: false);
        var chunks = new List<JsonElement>();
        void Feed(string type, string json)
        {
            if (translator.Translate(type, Encoding.UTF8.GetBytes(json)))
                chunks.Add(JsonDocument.Parse(translator.Chunk).RootElement.Clone());
        }

        Feed("messageStart", """{"role":"assistant"}""");
        Feed("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Hmm."}}}""");
        Feed("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"abc"}}}""");
        Feed("contentBlockStop", """{"contentBlockIndex":0}""");
        Feed("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"a","name":"f"}}}""");
        Feed("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{}"}}}""");
        Feed("contentBlockStart", """{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"b","name":"g"}}}""");
        Feed("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"x\":1}"}}}""");
        Feed("messageStop", """{"stopReason":"model_context_window_exceeded"}""");
        Feed("metadata", """{"usage":{"inputTokens":5,"outputTokens":6,"totalTokens":11},"metrics":{"latencyMs":1}}""");

        Assert.Equal(8, chunks.Count); // role, reasoning, 2 × (tool start, arguments), finish, usage; the signature makes none
        Assert.Equal("Hmm.", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("reasoning_content").GetString());
        var calls = chunks.Skip(2).Take(4).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal([0, 0, 1, 1], calls.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("b", calls[2].GetProperty("id").GetString());
        Assert.Equal("""{"x":1}""", calls[3].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("length", chunks[6].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(11, chunks[7].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }
}
