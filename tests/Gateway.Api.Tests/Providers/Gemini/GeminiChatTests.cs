using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary><c>gemini/&lt;model&gt;</c> chat completions against a fake that checks requests as Google's API does.</summary>
public sealed class GeminiChatTests(PostgresFixture postgres) : GeminiGateway(postgres)
{
    [Fact]
    public async Task chat_goes_to_generate_content_with_the_key_header_and_comes_back_openai_shaped()
    {
        var body = await Json(await Chat(new
        {
            model = "flash", messages = Hello, temperature = 0.3, top_p = 0.9, max_tokens = 100, seed = 7,
            presence_penalty = 0.1, frequency_penalty = 0.2, user = "customer-1", metadata = new { tags = new[] { "t" } },
        }));

        var sent = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", sent.Path);
        Assert.Equal(FakeGemini.ApiKey, sent.Headers["x-goog-api-key"]);
        Assert.DoesNotContain("key=", sent.Query); // the key never travels in the URL
        var config = sent.Body["generationConfig"]!.AsObject();
        Assert.Equal(0.3, config["temperature"]!.GetValue<double>());
        Assert.Equal(0.9, config["topP"]!.GetValue<double>());
        Assert.Equal(100, config["maxOutputTokens"]!.GetValue<int>());
        Assert.Equal(7, config["seed"]!.GetValue<int>());
        Assert.Equal(0.1, config["presencePenalty"]!.GetValue<double>());
        Assert.Equal(0.2, config["frequencyPenalty"]!.GetValue<double>());
        Assert.Equal("Be brief.", sent.Body["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
        var contents = sent.Body["contents"]!.AsArray();
        Assert.Equal("user", Assert.Single(contents)!["role"]!.GetValue<string>());
        Assert.Equal("Why is the sky blue?", contents[0]!["parts"]![0]!["text"]!.GetValue<string>());

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("gemini-2.5-flash", body.GetProperty("model").GetString());
        Assert.Equal("assistant", Message(body).GetProperty("role").GetString());
        Assert.Equal(FakeGemini.Answer, Message(body).GetProperty("content").GetString());
        Assert.Equal("stop", FinishReason(body));
        var words = FakeGemini.Answer.Split(' ').Length;
        var usage = body.GetProperty("usage");
        Assert.Equal((FakeGemini.PromptTokens, words, FakeGemini.PromptTokens + words),
            (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal(("gemini", FakeGemini.PromptTokens, words), (e.Provider, e.PromptTokens, e.CompletionTokens));
        Assert.False(e.UsageEstimated);
        Assert.Equal(FakeGemini.PromptTokens * 0.000001m + words * 0.000002m, e.Cost);
    }

    [Fact]
    public async Task system_and_developer_messages_become_the_system_instruction_and_turns_of_one_side_merge()
    {
        await Chat(new
        {
            model = "flash",
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "developer", content = new object[] { new { type = "text", text = "Answer in English." } } },
                new { role = "user", content = "Hi." },
                new { role = "user", content = new object[] { new { type = "text", text = "Why is the sky blue?" } } },
                new { role = "assistant", content = "Because of" },
                new { role = "assistant", content = "scattering." },
                new { role = "user", content = "Say more." },
            },
        });
        var sent = Sent;
        Assert.Equal(["Be brief.", "Answer in English."], sent["systemInstruction"]!["parts"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));
        var contents = sent["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        Assert.Equal(["Hi.", "Why is the sky blue?"], contents[0]!["parts"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));
        Assert.Equal(["Because of", "scattering."], contents[1]!["parts"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task inline_images_go_as_inline_data_and_https_images_as_file_data()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        var body = await Json(await Chat(new
        {
            model = "flash",
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "What is in these pictures?" },
                        new { type = "image_url", image_url = new { url = $"data:image/png;base64,{png}" } },
                        new { type = "image_url", image_url = new { url = "https://example.com/cat.jpg?size=large" } },
                        new { type = "image_url", image_url = new { url = "https://example.com/render", format = "image/webp" } },
                    },
                },
            },
        }));
        var parts = Sent["contents"]![0]!["parts"]!.AsArray();
        Assert.Equal("image/png", parts[1]!["inlineData"]!["mimeType"]!.GetValue<string>());
        Assert.Equal(png, parts[1]!["inlineData"]!["data"]!.GetValue<string>());
        Assert.Equal("image/jpeg", parts[2]!["fileData"]!["mimeType"]!.GetValue<string>());
        Assert.Equal("https://example.com/cat.jpg?size=large", parts[2]!["fileData"]!["fileUri"]!.GetValue<string>());
        Assert.Equal("image/webp", parts[3]!["fileData"]!["mimeType"]!.GetValue<string>());
        Assert.Equal("I see 3 pictures.", Message(body).GetProperty("content").GetString());
    }

    [Fact]
    public async Task an_image_alone_gets_a_blank_text_part_as_gemini_needs()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        await Chat(new
        {
            model = "flash",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "image_url", image_url = $"data:image/png;base64,{png}" } } } },
        });
        var parts = Sent["contents"]![0]!["parts"]!.AsArray();
        Assert.Equal(2, parts.Count);
        Assert.Equal(" ", parts[1]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://example.com/cat.png", "HTTPS")]
    [InlineData("https://example.com/render?id=7", "format")]
    [InlineData("gs://bucket/cat.png", "gs://")]
    public async Task an_image_url_gemini_cannot_read_is_a_400_naming_it(string url, string hint)
    {
        var error = await (await Chat(new
        {
            model = "flash",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "text", text = "What is it?" }, new { type = "image_url", image_url = new { url } } } } },
        }, 400)).OpenAIError(400);
        Assert.Equal("messages[0].content[1].image_url.url", error.GetProperty("param").GetString());
        Assert.Contains(hint, error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task tool_calls_round_trip_through_gemini()
    {
        var first = await Json(await Chat(new
        {
            model = "flash", tools = WeatherTools, tool_choice = "auto",
            messages = new object[] { new { role = "user", content = "What is the weather in Paris?" } },
        }));
        Assert.Equal("tool_calls", FinishReason(first));
        var call = Assert.Single(Message(first).GetProperty("tool_calls").EnumerateArray());
        var id = call.GetProperty("id").GetString()!;
        Assert.StartsWith("call_", id);
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_current_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        Assert.Equal("Paris, FR", Json(arguments).GetProperty("location").GetString());
        Assert.Equal(JsonValueKind.Null, Message(first).GetProperty("content").ValueKind);

        var declaration = Sent["tools"]![0]!["functionDeclarations"]![0]!.AsObject();
        Assert.Equal("get_current_weather", declaration["name"]!.GetValue<string>());
        Assert.Equal("Get the current weather for a location", declaration["description"]!.GetValue<string>());
        Assert.Equal(["location"], declaration["parameters"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("AUTO", Sent["toolConfig"]!["functionCallingConfig"]!["mode"]!.GetValue<string>());

        var second = await Json(await Chat(new
        {
            model = "flash", tools = WeatherTools,
            messages = new object[]
            {
                new { role = "user", content = "What is the weather in Paris?" },
                new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id, type = "function", function = new { name = "get_current_weather", arguments } } } },
                new { role = "tool", tool_call_id = id, content = "22 degrees celsius" },
            },
        }));
        Assert.Equal("It is 22 degrees celsius in Paris.", Message(second).GetProperty("content").GetString());
        Assert.Equal("stop", FinishReason(second));

        var contents = Sent["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        var functionCall = contents[1]!["parts"]![0]!["functionCall"]!;
        Assert.Equal("get_current_weather", functionCall["name"]!.GetValue<string>());
        Assert.Equal("Paris, FR", functionCall["args"]!["location"]!.GetValue<string>()); // an object, not a string
        var functionResponse = contents[2]!["parts"]![0]!["functionResponse"]!;
        Assert.Equal("get_current_weather", functionResponse["name"]!.GetValue<string>()); // named after the call the id points at
        Assert.Equal("22 degrees celsius", functionResponse["response"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_json_object_tool_result_goes_as_the_response_object()
    {
        await Chat(new
        {
            model = "flash", tools = WeatherTools,
            messages = new object[]
            {
                new { role = "user", content = "What is the weather in Paris?" },
                new { role = "assistant", tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_current_weather", arguments = "{\"location\":\"Paris\"}" } } } },
                new { role = "tool", tool_call_id = "call_1", content = "{\"temperature\": 22, \"unit\": \"celsius\"}" },
            },
        });
        var response = Sent["contents"]![2]!["parts"]![0]!["functionResponse"]!["response"]!.AsObject();
        Assert.Equal(22, response["temperature"]!.GetValue<int>());
        Assert.False(response.ContainsKey("content"));
    }

    [Fact]
    public async Task a_tool_result_that_answers_no_call_is_refused_before_calling_gemini()
    {
        var error = await (await Chat(new
        {
            model = "flash",
            messages = new object[] { new { role = "user", content = "Hi" }, new { role = "tool", tool_call_id = "call_nowhere", content = "22" } },
        }, 400)).OpenAIError(400);
        Assert.Equal("messages[1].tool_call_id", error.GetProperty("param").GetString());
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task json_schema_keywords_gemini_rejects_are_removed_from_tool_parameters()
    {
        var tool = new
        {
            type = "function",
            function = new
            {
                name = "book_flight",
                strict = true,
                parameters = JsonNode.Parse("""
                    {
                      "$schema": "http://json-schema.org/draft-07/schema#",
                      "type": "object",
                      "additionalProperties": false,
                      "$defs": { "Airport": { "type": "object", "additionalProperties": false,
                                              "properties": { "code": { "type": "string", "format": "iata" } }, "required": ["code"] } },
                      "properties": {
                        "from": { "$ref": "#/$defs/Airport", "description": "Where from" },
                        "seats": { "anyOf": [ { "type": "integer", "exclusiveMinimum": 0 }, { "type": "null" } ] },
                        "class": { "type": ["string", "null"], "enum": ["economy", "business", ""] },
                        "when": { "type": "string", "format": "date-time" },
                        "tags": { "type": "array", "items": {} }
                      },
                      "required": ["from"]
                    }
                    """),
            },
        };
        await Chat(new { model = "flash", tools = new[] { tool }, messages = new object[] { new { role = "user", content = "Book me a flight." } } });

        var parameters = Sent["tools"]![0]!["functionDeclarations"]![0]!["parameters"]!.AsObject();
        Assert.False(parameters.ContainsKey("additionalProperties"));
        Assert.False(parameters.ContainsKey("$schema"));
        Assert.False(parameters.ContainsKey("$defs"));
        var from = parameters["properties"]!["from"]!.AsObject();
        Assert.Equal("object", from["type"]!.GetValue<string>());
        Assert.Equal("Where from", from["description"]!.GetValue<string>());
        Assert.False(from["properties"]!["code"]!.AsObject().ContainsKey("format")); // only enum and date-time survive
        var seats = parameters["properties"]!["seats"]!.AsObject();
        Assert.Equal("integer", seats["type"]!.GetValue<string>());
        Assert.True(seats["nullable"]!.GetValue<bool>());
        Assert.False(seats.ContainsKey("exclusiveMinimum"));
        var travelClass = parameters["properties"]!["class"]!.AsObject();
        Assert.Equal("string", travelClass["type"]!.GetValue<string>());
        Assert.True(travelClass["nullable"]!.GetValue<bool>());
        Assert.Null(travelClass["enum"]![2]); // Gemini refuses "" in an enum
        Assert.Equal("date-time", parameters["properties"]!["when"]!["format"]!.GetValue<string>());
        Assert.Equal("object", parameters["properties"]!["tags"]!["items"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_function_without_arguments_is_declared_without_parameters()
    {
        var tool = new { type = "function", function = new { name = "get_time", parameters = new { type = "object", properties = new { } } } };
        var body = await Json(await Chat(new { model = "flash", tools = new[] { tool }, messages = new object[] { new { role = "user", content = "What time is it?" } } }));
        Assert.False(Sent["tools"]![0]!["functionDeclarations"]![0]!.AsObject().ContainsKey("parameters"));
        Assert.Equal("get_time", Message(body).GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("\"none\"", "NONE", null)]
    [InlineData("\"required\"", "ANY", null)]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"get_current_weather\"}}", "ANY", "get_current_weather")]
    public async Task tool_choice_becomes_the_function_calling_mode(string toolChoice, string mode, string? allowed)
    {
        await Chat(new { model = "flash", tools = WeatherTools, tool_choice = JsonNode.Parse(toolChoice), messages = Hello });
        var config = Sent["toolConfig"]!["functionCallingConfig"]!.AsObject();
        Assert.Equal(mode, config["mode"]!.GetValue<string>());
        Assert.Equal(allowed, config["allowedFunctionNames"]?[0]?.GetValue<string>());
    }

    [Fact]
    public async Task parallel_tool_calls_off_with_several_functions_is_refused_unless_drop_params()
    {
        var tools = WeatherTools.Append(new { type = "function", function = new { name = "get_time" } }).ToArray();
        var error = await (await Chat(new { model = "flash", tools, parallel_tool_calls = false, messages = Hello }, 400)).OpenAIError(400);
        Assert.Equal("parallel_tool_calls", error.GetProperty("param").GetString());
        Assert.Empty(Upstream.Requests);

        await Chat(new { model = "lenient", tools, parallel_tool_calls = false, messages = Hello });
        Assert.Equal(2, Sent["tools"]![0]!["functionDeclarations"]!.AsArray().Count);
    }

    [Fact]
    public async Task json_mode_asks_for_the_json_mime_type()
    {
        var body = await Json(await Chat(new { model = "flash", messages = Hello, response_format = new { type = "json_object" } }));
        Assert.Equal("application/json", Sent["generationConfig"]!["responseMimeType"]!.GetValue<string>());
        Assert.False(Sent["generationConfig"]!.AsObject().ContainsKey("responseSchema"));
        Assert.Equal("blue", Json(Message(body).GetProperty("content").GetString()!).GetProperty("colour").GetString());
    }

    [Fact]
    public async Task a_json_schema_becomes_the_response_schema_in_property_order()
    {
        var schema = JsonNode.Parse("""
            { "type": "object", "additionalProperties": false,
              "properties": { "reason": { "type": "string" }, "colour": { "type": "string", "enum": ["blue", "red"] } },
              "required": ["reason", "colour"] }
            """);
        await Chat(new { model = "flash", messages = Hello, response_format = new { type = "json_schema", json_schema = new { name = "answer", strict = true, schema } } });
        var config = Sent["generationConfig"]!.AsObject();
        Assert.Equal("application/json", config["responseMimeType"]!.GetValue<string>());
        var sent = config["responseSchema"]!.AsObject();
        Assert.False(sent.ContainsKey("additionalProperties"));
        Assert.Equal(["reason", "colour"], sent["propertyOrdering"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["blue", "red"], sent["properties"]!["colour"]!["enum"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task stop_sequences_end_the_answer_early()
    {
        var body = await Json(await Chat(new { model = "flash", messages = Hello, stop = " because" }));
        Assert.Equal([" because"], Sent["generationConfig"]!["stopSequences"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("The sky is blue", Message(body).GetProperty("content").GetString());
        Assert.Equal("stop", FinishReason(body));
    }

    [Fact]
    public async Task n_asks_for_that_many_candidates_and_each_is_a_choice()
    {
        var body = await Json(await Chat(new { model = "flash", messages = Hello, n = 2 }));
        Assert.Equal(2, Sent["generationConfig"]!["candidateCount"]!.GetValue<int>());
        var choices = body.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal([0, 1], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.EndsWith("(take 2)", Message(body, 1).GetProperty("content").GetString());
    }

    [Fact]
    public async Task an_answer_cut_by_max_tokens_finishes_with_length()
    {
        var body = await Json(await Chat(new { model = "flash", messages = Hello, max_completion_tokens = 3 }));
        Assert.Equal(3, Sent["generationConfig"]!["maxOutputTokens"]!.GetValue<int>());
        Assert.Equal("length", FinishReason(body));
        Assert.Equal("The sky is", Message(body).GetProperty("content").GetString());
    }

    [Fact]
    public async Task a_safety_stop_is_content_filter_with_no_content()
    {
        var body = await Json(await Chat(new { model = "gemini-unsafe", messages = Hello }));
        Assert.Equal("content_filter", FinishReason(body));
        Assert.Equal(JsonValueKind.Null, Message(body).GetProperty("content").ValueKind);
        Assert.Equal(FakeGemini.PromptTokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task a_recitation_stop_is_content_filter()
    {
        var body = await Json(await Chat(new { model = "gemini-recitation", messages = Hello }));
        Assert.Equal("content_filter", FinishReason(body));
        Assert.Equal(JsonValueKind.Null, Message(body).GetProperty("content").ValueKind);
    }

    [Fact]
    public async Task a_blocked_prompt_is_content_filter_and_still_charged_for_the_prompt()
    {
        var body = await Json(await Chat(new { model = "gemini-blocked", messages = Hello }));
        Assert.Equal("content_filter", FinishReason(body));
        Assert.Equal(JsonValueKind.Null, Message(body).GetProperty("content").ValueKind);
        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal((FakeGemini.PromptTokens, 0, false), (e.PromptTokens, e.CompletionTokens, e.UsageEstimated));
    }

    [Fact]
    public async Task reasoning_effort_becomes_a_thinking_budget_and_thoughts_come_back_as_reasoning_with_their_tokens()
    {
        var body = await Json(await Chat(new { model = "flash", messages = Hello, reasoning_effort = "low" }));
        var thinking = Sent["generationConfig"]!["thinkingConfig"]!.AsObject();
        Assert.Equal(1024, thinking["thinkingBudget"]!.GetValue<int>());
        Assert.True(thinking["includeThoughts"]!.GetValue<bool>());
        Assert.False(thinking.ContainsKey("thinkingLevel"));

        Assert.Equal(FakeGemini.Thought, Message(body).GetProperty("reasoning_content").GetString());
        Assert.Equal(FakeGemini.Answer, Message(body).GetProperty("content").GetString());
        var words = FakeGemini.Answer.Split(' ').Length;
        var usage = body.GetProperty("usage");
        Assert.Equal(words + FakeGemini.ThoughtTokens, usage.GetProperty("completion_tokens").GetInt32()); // thoughts are output
        Assert.Equal(FakeGemini.ThoughtTokens, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal((words + FakeGemini.ThoughtTokens, FakeGemini.ThoughtTokens), (e.CompletionTokens, e.ReasoningTokens));
    }

    [Theory]
    [InlineData("minimal", 1)] // LiteLLM's smallest budget for 2.5 Flash
    [InlineData("medium", 2048)]
    [InlineData("high", 4096)]
    [InlineData("none", 0)]
    public async Task reasoning_effort_levels_map_to_litellms_budgets(string effort, int budget)
    {
        await Chat(new { model = "flash", messages = Hello, reasoning_effort = effort });
        Assert.Equal(budget, Sent["generationConfig"]!["thinkingConfig"]!["thinkingBudget"]!.GetValue<int>());
    }

    [Fact]
    public async Task cached_prompt_tokens_are_reported_and_recorded()
    {
        var body = await Json(await Chat(new { model = "gemini-2.5-cached", messages = Hello }));
        var usage = body.GetProperty("usage");
        Assert.Equal(FakeGemini.PromptTokens, usage.GetProperty("prompt_tokens").GetInt32()); // cached tokens are part of the prompt
        Assert.Equal(FakeGemini.CachedTokens, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal(FakeGemini.CachedTokens, e.CachedTokens);
    }

    [Fact]
    public async Task gemini_3_thinks_in_levels_with_temperature_one()
    {
        await Chat(new { model = "gemini-3-pro-preview", messages = Hello, reasoning_effort = "medium" });
        var config = Sent["generationConfig"]!.AsObject();
        Assert.Equal("high", config["thinkingConfig"]!["thinkingLevel"]!.GetValue<string>());
        Assert.False(config["thinkingConfig"]!.AsObject().ContainsKey("thinkingBudget"));
        Assert.Equal(1.0, config["temperature"]!.GetValue<double>());

        await Chat(new { model = "gemini-3-pro-preview", messages = Hello });
        Assert.Equal("low", Sent["generationConfig"]!["thinkingConfig"]!["thinkingLevel"]!.GetValue<string>()); // LiteLLM's default
    }

    [Fact]
    public async Task gemini_3_gets_its_thought_signature_back_through_the_tool_call_id()
    {
        var first = await Json(await Chat(new
        {
            model = "gemini-3-pro-preview", tools = WeatherTools,
            messages = new object[] { new { role = "user", content = "What is the weather in Paris?" } },
        }));
        var call = Message(first).GetProperty("tool_calls")[0];
        var id = call.GetProperty("id").GetString()!;
        Assert.Contains("__thought__", id);

        var second = await Json(await Chat(new
        {
            model = "gemini-3-pro-preview", tools = WeatherTools,
            messages = new object[]
            {
                new { role = "user", content = "What is the weather in Paris?" },
                new { role = "assistant", tool_calls = new[] { new { id, type = "function", function = new { name = "get_current_weather", arguments = call.GetProperty("function").GetProperty("arguments").GetString() } } } },
                new { role = "tool", tool_call_id = id, content = "22 degrees celsius" },
            },
        }));
        Assert.Equal("It is 22 degrees celsius in Paris.", Message(second).GetProperty("content").GetString());
        Assert.Equal(id[(id.IndexOf("__thought__", StringComparison.Ordinal) + "__thought__".Length)..],
            Sent["contents"]![1]!["parts"]![0]!["thoughtSignature"]!.GetValue<string>());
    }

    [Fact]
    public async Task gemini_3_gets_googles_placeholder_for_a_tool_call_whose_signature_was_lost()
    {
        var body = await Json(await Chat(new
        {
            model = "gemini-3-pro-preview", tools = WeatherTools,
            messages = new object[]
            {
                new { role = "user", content = "What is the weather in Paris?" },
                new { role = "assistant", tool_calls = new[] { new { id = "call_from_elsewhere", type = "function", function = new { name = "get_current_weather", arguments = "{\"location\":\"Paris\"}" } } } },
                new { role = "tool", tool_call_id = "call_from_elsewhere", content = "22 degrees celsius" },
            },
        }));
        Assert.Equal("It is 22 degrees celsius in Paris.", Message(body).GetProperty("content").GetString());
        Assert.Equal("skip_thought_signature_validator", Sent["contents"]![1]!["parts"]![0]!["thoughtSignature"]!.GetValue<string>());
    }

    [Fact]
    public async Task gemini_3_has_no_penalties_so_they_are_refused_unless_zero()
    {
        var error = await (await Chat(new { model = "gemini-3-pro-preview", messages = Hello, presence_penalty = 0.5 }, 400)).OpenAIError(400);
        Assert.Contains("'presence_penalty'", error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);

        await Chat(new { model = "gemini-3-pro-preview", messages = Hello, presence_penalty = 0 });
        Assert.False(Sent["generationConfig"]!.AsObject().ContainsKey("presencePenalty"));
    }

    [Fact]
    public async Task a_parameter_gemini_lacks_is_a_clear_400_unless_drop_params()
    {
        var error = await (await Chat(new { model = "flash", messages = Hello, logit_bias = new Dictionary<string, int> { ["50256"] = -100 } }, 400)).OpenAIError(400);
        Assert.StartsWith("litellm.UnsupportedParamsError:", error.GetProperty("message").GetString());
        Assert.Contains("'logit_bias'", error.GetProperty("message").GetString());
        Assert.Contains("drop_params", error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);

        await Chat(new { model = "lenient", messages = Hello, logit_bias = new Dictionary<string, int> { ["50256"] = -100 } });
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task deployment_params_are_defaults_and_gemini_settings_pass_through()
    {
        await Chat(new
        {
            model = "tuned", messages = Hello, temperature = 0.9,
            safety_settings = new[] { new { category = "HARM_CATEGORY_HARASSMENT", threshold = "BLOCK_ONLY_HIGH" } },
        });
        var sent = Sent;
        var config = sent["generationConfig"]!.AsObject();
        Assert.Equal(0.9, config["temperature"]!.GetValue<double>()); // the request's
        Assert.Equal(40, config["topK"]!.GetValue<int>());             // the deployment's
        Assert.Equal(300, config["maxOutputTokens"]!.GetValue<int>());
        Assert.Equal("BLOCK_ONLY_HIGH", sent["safetySettings"]![0]!["threshold"]!.GetValue<string>());
    }

    [Fact]
    public async Task labels_stay_behind_because_ai_studio_has_no_such_field()
    {
        await Chat(new { model = "flash", messages = Hello, labels = new { team = "search" } });
        Assert.False(Sent.ContainsKey("labels"));
    }

    [Fact]
    public async Task api_base_and_key_come_from_gemini_api_base_and_gemini_api_key()
    {
        await Chat(new { model = "from-env", messages = Hello });
        var sent = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", sent.Path);
        Assert.Equal(FakeGemini.ApiKey, sent.Headers["x-goog-api-key"]);
    }

    [Fact]
    public async Task legacy_completions_are_refused_with_a_400()
    {
        var error = await (await Post("/v1/completions", new { model = "flash", prompt = "Say hi" }, 400)).OpenAIError(400);
        Assert.Contains("chat/completions", error.GetProperty("message").GetString());
        Assert.Empty(Upstream.Requests);
    }
}
