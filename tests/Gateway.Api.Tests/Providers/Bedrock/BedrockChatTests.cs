using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>Non-streamed chat through Bedrock's Converse API, against a fake that checks signatures and body shape.</summary>
public sealed class BedrockChatTests(PostgresFixture postgres) : BedrockGateway(postgres)
{
    const string EncodedPath = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse";

    [Fact]
    public async Task a_chat_is_signed_translated_to_converse_and_answered_in_openai_shape_with_usage()
    {
        var body = await ChatJson("claude", Body("""
            {"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hello?"}],
             "temperature":0.3,"top_p":0.9,"max_tokens":200,"stop":["\n\nHuman:"],"user":"someone",
             "metadata":{"tags":["gateway-only"]}}
            """));

        var sent = SingleRequest();
        Assert.Equal(EncodedPath, sent.RawPath);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeBedrock.AccessKey}/", sent.Headers["authorization"]);
        Assert.Contains("/eu-west-1/bedrock/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("x-amz-security-token"));
        Assert.Equal("""[{"text":"You are terse."}]""", sent.Body["system"]!.ToJsonString());
        Assert.Equal("""[{"role":"user","content":[{"text":"Hello?"}]}]""", sent.Body["messages"]!.ToJsonString());
        Assert.Equal("""{"maxTokens":200,"temperature":0.3,"topP":0.9,"stopSequences":["\n\nHuman:"]}""", sent.Body["inferenceConfig"]!.ToJsonString());
        Assert.False(sent.Body.ContainsKey("toolConfig"));

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal(FakeBedrock.Model, body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello from the fake Bedrock!", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        // Converse counts cache reads (4) and writes (2) apart from inputTokens (12); OpenAI's prompt_tokens holds all.
        Assert.Equal(18, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(25, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal((18, 7, 4), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
        Assert.Equal("bedrock", e.Provider);
        Assert.False(e.UsageEstimated);
        // Custom input/output prices; cache reads and writes at the sheet's Bedrock Claude rates (LiteLLM merges them).
        Assert.Equal(12 * 0.000003m + 4 * 0.0000003m + 2 * 0.00000375m + 7 * 0.000015m, e.Cost);
    }

    [Fact]
    public async Task the_converse_route_prefix_is_not_part_of_the_model_id_and_temporary_credentials_sign_their_session_token()
    {
        await ChatJson("claude-temporary");

        var sent = SingleRequest();
        Assert.Equal(EncodedPath, sent.RawPath);
        Assert.Equal(FakeBedrock.SessionToken, sent.Headers["x-amz-security-token"]);
        Assert.Contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,", sent.Headers["authorization"]);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeBedrock.TempAccessKey}/", sent.Headers["authorization"]);
    }

    [Fact]
    public async Task an_inference_profile_arn_travels_percent_encoded_as_one_path_segment_and_is_signed_so()
    {
        await ChatJson("claude-arn");
        var sent = SingleRequest();
        Assert.Equal(InferenceProfileArn, sent.ModelId);
        Assert.Equal("/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
            sent.RawPath);
    }

    [Fact]
    public async Task credentials_and_region_come_from_the_standard_aws_environment_variables_when_config_has_none()
    {
        await ChatJson("claude-env");
        Assert.Contains($"/{FakeBedrock.Region}/bedrock/aws4_request", SingleRequest().Headers["authorization"]);
    }

    [Fact]
    public async Task a_bedrock_api_key_is_sent_as_a_bearer_token_instead_of_a_signature()
    {
        await ChatJson("claude-api-key");
        var sent = SingleRequest();
        Assert.Equal($"Bearer {FakeBedrock.ApiKey}", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("x-amz-date"));
    }

    [Theory]
    [InlineData("claude-wrong-secret", "signature we calculated does not match")]
    [InlineData("claude-us", "is not eu-west-1/bedrock")]
    public async Task a_request_signed_with_the_wrong_secret_or_region_is_refused_by_the_upstream(string model, string why)
    {
        var error = await (await Chat(model, status: 401)).OpenAIError(401);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Contains("InvalidSignatureException", error.GetProperty("message").GetString());
        Assert.Contains(Upstream.Refusals, r => r.Contains(why, StringComparison.Ordinal));
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task consecutive_turns_of_one_role_are_merged_and_every_system_message_goes_to_system()
    {
        await ChatJson("claude", Body("""
            {"messages":[
              {"role":"system","content":"Rule one."},
              {"role":"user","content":"First."},
              {"role":"user","content":[{"type":"text","text":"Second."}]},
              {"role":"developer","content":[{"type":"text","text":"Rule two."}]},
              {"role":"assistant","content":"Noted."},
              {"role":"user","content":"Third."}]}
            """));

        var sent = SingleRequest();
        Assert.Equal("""[{"text":"Rule one."},{"text":"Rule two."}]""", sent.Body["system"]!.ToJsonString());
        Assert.Equal("""[{"role":"user","content":[{"text":"First."},{"text":"Second."}]},{"role":"assistant","content":[{"text":"Noted."}]},{"role":"user","content":[{"text":"Third."}]}]""",
            sent.Body["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task images_are_sent_inline_as_base64_bytes_with_their_format()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        await ChatJson("claude", Body($$$"""
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{png}}}"}},
              {"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/4AAQSkZJRg=="}}]}]}
            """));

        var content = SingleRequest().Body["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(3, content.Count);
        Assert.Equal("png", content[1]!["image"]!["format"]!.GetValue<string>());
        Assert.Equal(png, content[1]!["image"]!["source"]!["bytes"]!.GetValue<string>());
        Assert.Equal("jpeg", content[2]!["image"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_image_link_is_refused_before_any_upstream_call_because_bedrock_needs_the_bytes()
    {
        var error = await (await Chat("claude", Body("""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}
            """), 400)).OpenAIError(400);
        Assert.Contains("data: URL", error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);
    }

    static JsonObject WeatherTools(string toolChoice) => Body("""
        {"messages":[{"role":"user","content":"Weather in Paris?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city",
           "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}],
         "tool_choice":TOOL_CHOICE}
        """.Replace("TOOL_CHOICE", toolChoice));

    [Fact]
    public async Task tools_round_trip_as_tool_specs_tool_use_and_tool_results()
    {
        // Turn 1: the model asks for the tool.
        var first = await ChatJson("claude", WeatherTools("\"auto\""));
        var sent = SingleRequest();
        var spec = sent.Body["toolConfig"]!["tools"]![0]!["toolSpec"]!;
        Assert.Equal("get_weather", spec["name"]!.GetValue<string>());
        Assert.Equal("Current weather for a city", spec["description"]!.GetValue<string>());
        Assert.Equal(["city"], spec["inputSchema"]!["json"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("""{"auto":{}}""", sent.Body["toolConfig"]!["toolChoice"]!.ToJsonString());

        var choice = first.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Let me check the weather.", choice.GetProperty("message").GetProperty("content").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement;
        Assert.Equal("Paris", arguments.GetProperty("city").GetString());

        // Turn 2: the client sends the call back with its result.
        var second = WeatherTools("\"auto\"");
        second["messages"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "assistant", ["content"] = null,
            ["tool_calls"] = JsonNode.Parse(choice.GetProperty("message").GetProperty("tool_calls").GetRawText()),
        });
        second["messages"]!.AsArray().Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = call.GetProperty("id").GetString(), ["content"] = "18°C and sunny" });
        var answer = await ChatJson("claude", second);

        var replay = Upstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal(3, replay.Count);
        var toolUse = replay[1]!["content"]![0]!["toolUse"]!;
        Assert.Equal("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", toolUse["toolUseId"]!.GetValue<string>());
        Assert.Equal("get_weather", toolUse["name"]!.GetValue<string>());
        Assert.Equal("Paris", toolUse["input"]!["city"]!.GetValue<string>()); // an object, not the JSON string
        Assert.Equal("user", replay[2]!["role"]!.GetValue<string>());
        Assert.Equal("""{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","content":[{"text":"18°C and sunny"}]}""",
            replay[2]!["content"]![0]!["toolResult"]!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        var final = answer.GetProperty("choices")[0];
        Assert.Equal("The tool said: 18°C and sunny", final.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", final.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("\"required\"", """{"any":{}}""")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""", """{"tool":{"name":"get_weather"}}""")]
    public async Task tool_choice_maps_to_converse_tool_choice(string openAI, string converse)
    {
        await ChatJson("claude", WeatherTools(openAI));
        Assert.Equal(converse, SingleRequest().Body["toolConfig"]!["toolChoice"]!.ToJsonString());
    }

    [Fact]
    public async Task tool_choice_none_sends_no_tools()
    {
        await ChatJson("claude", WeatherTools("\"none\""));
        Assert.False(SingleRequest().Body.ContainsKey("toolConfig"));
    }

    [Fact]
    public async Task a_json_schema_response_format_is_forced_through_a_tool_and_returned_as_content()
    {
        var body = await ChatJson("claude", Body("""
            {"messages":[{"role":"user","content":"Who wrote the first program?"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"person","schema":
               {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}}}}
            """));

        var toolConfig = SingleRequest().Body["toolConfig"]!;
        Assert.Equal("json_tool_call", toolConfig["tools"]![0]!["toolSpec"]!["name"]!.GetValue<string>());
        Assert.Equal(["name", "age"], toolConfig["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("""{"tool":{"name":"json_tool_call"}}""", toolConfig["toolChoice"]!.ToJsonString());

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("tool_calls", out _));
        var answer = JsonDocument.Parse(message.GetProperty("content").GetString()!).RootElement;
        Assert.Equal("Ada", answer.GetProperty("name").GetString());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("max-tokens", "length")]
    [InlineData("guardrail", "content_filter")]
    [InlineData("content-filtered", "content_filter")]
    [InlineData("stop-sequence", "stop")]
    public async Task stop_reasons_map_to_openai_finish_reasons(string model, string finishReason)
    {
        var body = await ChatJson(model);
        Assert.Equal(finishReason, body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task a_parameter_converse_lacks_is_a_400_naming_it_unless_the_deployment_drops_params()
    {
        var error = await (await Chat("claude", Body("""{"frequency_penalty":0.5}"""), 400)).OpenAIError(400);
        Assert.Equal("frequency_penalty", error.GetProperty("param").GetString());
        Assert.Contains("drop_params", error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);

        await ChatJson("claude-lenient", Body("""{"frequency_penalty":0.5,"seed":7}"""));
        Assert.DoesNotContain("frequency_penalty", SingleRequest().Body.ToJsonString());
    }

    [Theory]
    [InlineData("throttled", 429, "rate_limit_error", null)]
    [InlineData("too-long", 400, "invalid_request_error", "context_length_exceeded")]
    [InlineData("denied", 403, "permission_error", null)]
    [InlineData("not-ready", 503, "api_error", null)]
    [InlineData("model-timeout", 408, "timeout", null)]
    [InlineData("unavailable", 503, "api_error", null)]
    public async Task bedrock_errors_map_to_openai_errors_by_their_aws_type(string model, int status, string type, string? code)
    {
        var error = await (await Chat(model, status: status)).OpenAIError(status);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("code").GetString());
        Assert.StartsWith("bedrock error (", error.GetProperty("message").GetString());
        var failed = Assert.Single(await Host.Events<RequestFailed>());
        Assert.Equal(status, failed.Status);
    }

    [Fact]
    public async Task embeddings_are_refused_for_a_bedrock_chat_deployment()
    {
        await Host.Scenario(s =>
        {
            s.Post.Json(new { model = "claude", input = "hello" }).ToUrl("/v1/embeddings");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
        Assert.Empty(Upstream.Requests);
    }
}
