using System.Globalization;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class ChatCompletionsTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    public static Dictionary<string, object?> Chat(string text, string model = "mock-gpt") => new()
    {
        ["model"] = model,
        ["messages"] = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = text } },
    };

    static Dictionary<string, object?> Chat(string text, string field, object value)
    {
        var body = Chat(text);
        body[field] = value;
        return body;
    }

    [Fact]
    public async Task a_chat_completion_on_the_mock_model_answers_in_openai_shape_with_usage_and_cost()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Chat("What is the capital of France?")).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/json");
        });

        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("mock-gpt", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Contains("What is the capital of France?", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        var usage = body.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.True(prompt > 0 && completion > 0);
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());

        var cost = decimal.Parse(result.Context.Response.Headers["x-litellm-response-cost"]!, CultureInfo.InvariantCulture);
        Assert.True(cost > 0, "the mock model is priced, so every call has a cost");
        Assert.True(Guid.TryParse(result.Context.Response.Headers["x-litellm-call-id"], out _));
        Assert.Equal("mock-gpt", result.Context.Response.Headers["x-litellm-model-group"]);
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers["x-litellm-model-id"]));
    }

    [Fact]
    public async Task the_same_input_gives_the_same_output_and_usage()
    {
        async Task<(string Content, string Usage)> Ask()
        {
            var result = await gateway.Host.Scenario(s =>
            {
                s.Post.Json(Chat("Tell me something deterministic.")).ToUrl("/v1/chat/completions");
                s.WithMasterKey();
            });
            var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
            return (body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!,
                body.GetProperty("usage").GetRawText());
        }

        var first = await Ask();
        var second = await Ask();
        Assert.Equal(first, second);

        var other = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Chat("Something else entirely, and longer than before.")).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
        });
        var otherUsage = JsonDocument.Parse(await other.ReadAsTextAsync()).RootElement.GetProperty("usage").GetRawText();
        Assert.NotEqual(first.Usage, otherUsage);
    }

    [Fact]
    public async Task max_tokens_cuts_the_reply_and_says_length()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Chat("Please write a long answer about the history of the printing press.", "max_tokens", 3))
                .ToUrl("/v1/chat/completions");
            s.WithMasterKey();
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32() <= 3);
    }

    [Fact]
    public async Task n_gives_that_many_choices()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Chat("Hi", "n", 3)).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
        });
        var choices = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("choices");
        Assert.Equal([0, 1, 2], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
    }

    [Fact]
    public async Task routes_work_without_the_v1_prefix()
    {
        await gateway.Host.Scenario(s =>
        {
            s.Post.Json(Chat("Hi")).ToUrl("/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task a_form_content_type_with_a_json_body_is_still_read_as_json_like_curl_sends_it()
    {
        await gateway.Host.Scenario(s =>
        {
            s.Post.Text("""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}]}""").ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Content-Type", "application/x-www-form-urlencoded");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
    }
}
