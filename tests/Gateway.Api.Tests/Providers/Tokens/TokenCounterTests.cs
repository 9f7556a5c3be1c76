using System.Text;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Proxy;

namespace Gateway.Api.Tests.Providers.Tokens;

/// <summary>
/// Counts checked against the numbers OpenAI publishes in its cookbook, "How to count tokens with tiktoken" (the
/// token counts of example strings per encoding, and the prompt_tokens its API reported for example chats).
/// </summary>
public sealed class TokenCounterTests
{
    static readonly TokenCounter Counter = TokenCounter.Shared;

    [Theory]
    [InlineData("gpt-4", "tiktoken is great!", 6)]
    [InlineData("gpt-4", "2 + 2 = 4", 7)]
    [InlineData("gpt-4o", "2 + 2 = 4", 7)]
    [InlineData("gpt-4", "お誕生日おめでとう", 9)]
    [InlineData("gpt-4o", "お誕生日おめでとう", 8)]
    [InlineData("gpt-3.5-turbo", "antidisestablishmentarianism", 6)]
    public void plain_text_counts_as_the_cookbook_says(string model, string text, int expected)
    {
        Assert.Equal(expected, Counter.Count(text.AsSpan(), model));
        Assert.Equal(expected, Counter.Count(Encoding.UTF8.GetBytes(text), model));
    }

    [Fact]
    public void the_model_name_picks_the_encoding()
    {
        // "お誕生日おめでとう" is 9 tokens in cl100k_base and 8 in o200k_base.
        const string text = "お誕生日おめでとう";
        Assert.Equal(9, Counter.Count(text.AsSpan(), "gpt-35-turbo"));
        Assert.Equal(9, Counter.Count(text.AsSpan(), "openai/gpt-4-0613"));
        Assert.Equal(8, Counter.Count(text.AsSpan(), "gpt-4o-mini"));
        Assert.Equal(8, Counter.Count(text.AsSpan(), "gpt-4.1"));
        Assert.Equal(8, Counter.Count(text.AsSpan(), "llama3.2"));
    }

    const string CookbookChat = """
        {"model":"x","temperature":0,"max_tokens":1,"messages":[
          {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
          {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
          {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
          {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
          {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
          {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}
        ]}
        """;

    [Theory]
    [InlineData("gpt-3.5-turbo", 129)]
    [InlineData("gpt-4-0613", 129)]
    [InlineData("gpt-4", 129)]
    [InlineData("gpt-4o", 124)]
    [InlineData("gpt-4o-mini", 124)]
    public void chat_messages_count_what_openai_reported_as_prompt_tokens(string model, int promptTokens)
    {
        Assert.Equal(promptTokens, Counter.CountPrompt(OpenAIEndpoint.ChatCompletions, Encoding.UTF8.GetBytes(CookbookChat), model));
    }

    [Fact]
    public void escaped_json_strings_count_as_their_text()
    {
        // The same chat with every apostrophe and the first letters written as JSON escapes.
        var escaped = CookbookChat.Replace("'", "\\u0027").Replace("You are", "\\u0059ou are");
        Assert.NotEqual(CookbookChat, escaped);
        Assert.Equal(124, Counter.CountPrompt(OpenAIEndpoint.ChatCompletions, Encoding.UTF8.GetBytes(escaped), "gpt-4o"));
    }

    const string CookbookTools = """
        {"model":"x","temperature":0,
         "messages":[
           {"role":"system","content":"You are a helpful assistant that can answer to questions about the weather."},
           {"role":"user","content":"What's the weather like in San Francisco?"}],
         "tools":[{"type":"function","function":{
           "name":"get_current_weather",
           "description":"Get the current weather in a given location",
           "parameters":{"type":"object","properties":{
             "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
             "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
             "required":["location"]}}}]}
        """;

    [Theory]
    [InlineData("gpt-3.5-turbo", 105)]
    [InlineData("gpt-4", 105)]
    [InlineData("gpt-4o", 101)]
    [InlineData("gpt-4o-mini", 101)]
    public void tool_definitions_count_what_openai_reported_as_prompt_tokens(string model, int promptTokens)
    {
        Assert.Equal(promptTokens, Counter.CountPrompt(OpenAIEndpoint.ChatCompletions, Encoding.UTF8.GetBytes(CookbookTools), model));
    }

    [Fact]
    public void content_parts_count_their_text_and_a_fixed_amount_per_image()
    {
        var asString = Counter.CountPrompt(OpenAIEndpoint.ChatCompletions,
            """{"messages":[{"role":"user","content":"Describe this picture in detail."}]}"""u8, "gpt-4o");
        var asParts = Counter.CountPrompt(OpenAIEndpoint.ChatCompletions,
            """{"messages":[{"role":"user","content":[{"type":"text","text":"Describe this picture in detail."},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}]}]}"""u8, "gpt-4o");
        Assert.Equal(asString + 85, asParts);
    }

    [Fact]
    public void assistant_tool_calls_count_their_name_and_arguments()
    {
        var without = Counter.CountPrompt(OpenAIEndpoint.ChatCompletions,
            """{"messages":[{"role":"assistant","content":""}]}"""u8, "gpt-4o");
        var with = Counter.CountPrompt(OpenAIEndpoint.ChatCompletions,
            """{"messages":[{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":\"Paris\"}"}}]}]}"""u8, "gpt-4o");
        var expected = Counter.Count("get_current_weather".AsSpan(), "gpt-4o") + Counter.Count("{\"location\":\"Paris\"}".AsSpan(), "gpt-4o");
        Assert.True(expected > 4);
        Assert.Equal(without + expected, with);
    }

    [Fact]
    public void embedding_and_completion_inputs_count_strings_and_token_ids()
    {
        Assert.Equal(7, Counter.CountPrompt(OpenAIEndpoint.Embeddings, """{"input":"2 + 2 = 4","model":"e"}"""u8, "text-embedding-3-small"));
        Assert.Equal(13, Counter.CountPrompt(OpenAIEndpoint.Embeddings, """{"input":["2 + 2 = 4","tiktoken is great!"]}"""u8, "text-embedding-3-small"));
        Assert.Equal(5, Counter.CountPrompt(OpenAIEndpoint.Embeddings, """{"input":[[1,2,3],[4,5]]}"""u8, "text-embedding-3-small"));
        Assert.Equal(6, Counter.CountPrompt(OpenAIEndpoint.Completions, """{"prompt":"tiktoken is great!","max_tokens":5}"""u8, "gpt-3.5-turbo-instruct"));
    }

    [Fact]
    public void streamed_chunks_add_up_to_the_whole_texts_count()
    {
        const string text = "Let's talk later when we're less busy about how to do better.";
        using var produced = new CompletionText(Counter, "gpt-4o");
        // Split mid-word, as streams do; the text is counted whole, not chunk by chunk.
        foreach (var piece in new[] { "Let's ta", "lk later when we", "'re less busy about how to do bet", "ter." })
            produced.Add(Encoding.UTF8.GetBytes(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + System.Text.Json.JsonSerializer.Serialize(piece) + "},\"finish_reason\":null}]}"));
        produced.Add("""{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""u8);

        Assert.Equal(Counter.Count(text.AsSpan(), "gpt-4o"), produced.CountTokens());
    }

    [Fact]
    public void a_whole_response_counts_content_and_tool_calls()
    {
        var tokens = Counter.CountCompletion("""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
              "content":"tiktoken is great!","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"}}]}}]}
            """u8, "gpt-4");
        Assert.Equal(6 + Counter.Count("get_current_weather{}".AsSpan(), "gpt-4"), tokens);
    }

    [Fact]
    public void a_very_long_stream_is_counted_in_slices_without_losing_tokens()
    {
        var sentence = "The quick brown fox jumps over the lazy dog. ";
        var whole = string.Concat(Enumerable.Repeat(sentence, 20_000)); // ~900 KB, several slices
        using var produced = new CompletionText(Counter, "gpt-4o");
        for (var i = 0; i < 20_000; i++)
            produced.Add(Encoding.UTF8.GetBytes("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + sentence + "\"}}]}"));

        Assert.Equal(Counter.Count(whole.AsSpan(), "gpt-4o"), produced.CountTokens());
    }

    [Fact]
    public void a_body_that_is_not_json_counts_nothing()
    {
        Assert.Equal(0, Counter.CountPrompt(OpenAIEndpoint.ChatCompletions, "not json"u8, "gpt-4o"));
    }
    public static TheoryData<OpenAIEndpoint, string> Prompts => new()
    {
        { OpenAIEndpoint.ChatCompletions, CookbookChat },
        { OpenAIEndpoint.ChatCompletions, """{"model":"x","messages":[{"role":"user","content":"お誕生日おめでとう 🎉🎉 \u00e9\n\"quoted\" ẞ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"}]}""" },
        { OpenAIEndpoint.ChatCompletions, """{"model":"x","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""" },
        { OpenAIEndpoint.ChatCompletions, """{"model":"x","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"22C"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now.","parameters":{"type":"object","properties":{"city":{"type":"string","description":"A city"},"unit":{"type":"string","enum":["c","f"]}}}}}]}""" },
        { OpenAIEndpoint.Completions, """{"model":"x","prompt":["Say this is a test", "and this too, s'il vous plaît"]}""" },
        { OpenAIEndpoint.Embeddings, """{"model":"x","input":[[1,2,3],[4,5]]}""" },
        { OpenAIEndpoint.Embeddings, """{"model":"x","input":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""" },
    };

    /// <summary>The budget reservation's cheap bound may overstate a prompt, never understate it, in either encoding.</summary>
    [Theory]
    [MemberData(nameof(Prompts))]
    public void the_byte_bound_is_never_below_the_token_count(OpenAIEndpoint endpoint, string json)
    {
        using var body = RequestBody.From(Encoding.UTF8.GetBytes(json));
        var request = ProxyRequest.Parse(endpoint, body, out var error);
        Assert.Null(error);
        var bound = TokenCounter.PromptTokensAtMost(request!);
        foreach (var model in (string[])["gpt-4", "gpt-4o"])
        {
            var exact = Counter.CountPrompt(request!, model);
            Assert.True(exact > 0);
            Assert.True(bound >= exact, $"{model}: bound {bound} < exact {exact} for {json}");
        }
    }
}
