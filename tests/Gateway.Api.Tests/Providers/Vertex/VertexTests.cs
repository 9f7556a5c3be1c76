using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Providers.Gemini;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Vertex;

/// <summary>
/// <c>vertex_ai/&lt;gemini model&gt;</c> against the fake's Vertex path and OAuth token endpoint: an access token given
/// as api_key, a service account given inline, as a file, or through GOOGLE_APPLICATION_CREDENTIALS.
/// </summary>
public sealed class VertexTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeGemini _google = null!;
    IAlbaHost _host = null!;
    RSA _key = null!;
    string _keyFile = null!;

    const string ModelPath = $"/v1/projects/{FakeGemini.VertexProject}/locations/{FakeGemini.VertexLocation}/publishers/google/models/gemini-2.5-flash";

    public async ValueTask InitializeAsync()
    {
        _google = await FakeGemini.StartAsync();
        _key = RSA.Create(2048);
        _google.ServiceAccountKey = _key;
        var root = _google.Root;
        var serviceAccount = ServiceAccountJson(_key, root);
        var stranger = ServiceAccountJson(RSA.Create(2048), root); // signs with a key Google does not know
        _keyFile = Path.Combine(Path.GetTempPath(), $"vertex-sa-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_keyFile, serviceAccount, TestContext.Current.CancellationToken);

        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: vertex-token
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}", api_key: {{FakeGemini.StaticAccessToken}},
                                  vertex_project: {{FakeGemini.VertexProject}}, vertex_location: {{FakeGemini.VertexLocation}},
                                  input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
              - model_name: vertex-sa
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}", vertex_location: {{FakeGemini.VertexLocation}},
                                  vertex_credentials: os.environ/VERTEX_SA_JSON }
              - model_name: vertex-sa-file
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}", vertex_location: {{FakeGemini.VertexLocation}},
                                  vertex_credentials: "{{_keyFile}}" }
              - model_name: vertex-env
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}" }
              - model_name: vertex-stranger
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}", vertex_location: {{FakeGemini.VertexLocation}},
                                  vertex_credentials: os.environ/VERTEX_STRANGER_JSON }
              - model_name: vertex-elsewhere
                litellm_params: { model: vertex_ai/gemini-2.5-flash, api_base: "{{root}}", api_key: {{FakeGemini.StaticAccessToken}},
                                  vertex_project: someone-elses, vertex_location: {{FakeGemini.VertexLocation}} }
            """, new Dictionary<string, string?>
        {
            ["VERTEX_SA_JSON"] = serviceAccount,
            ["VERTEX_STRANGER_JSON"] = stranger,
            ["GOOGLE_APPLICATION_CREDENTIALS"] = _keyFile,
            ["VERTEXAI_LOCATION"] = FakeGemini.VertexLocation,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _google.DisposeAsync();
        _key.Dispose();
        File.Delete(_keyFile);
    }

    static string ServiceAccountJson(RSA key, string root) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = FakeGemini.VertexProject,
        ["private_key_id"] = FakeGemini.ServiceAccountKeyId,
        ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = FakeGemini.ServiceAccountEmail,
        ["client_id"] = "1234567890",
        ["token_uri"] = root.TrimEnd('/') + "/token",
    }.ToJsonString();

    static object[] Hello => [new { role = "system", content = "Be brief." }, new { role = "user", content = "Why is the sky blue?" }];

    Task<IScenarioResult> Chat(object body, int status = 200) => _host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl("/v1/chat/completions");
        s.WithMasterKey();
        s.StatusCodeShouldBe(status);
    });

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task an_access_token_goes_as_a_bearer_to_the_models_path_in_the_project_and_location()
    {
        var body = Json(await (await Chat(new { model = "vertex-token", messages = Hello, temperature = 0.2, labels = new { team = "search" } })).ReadAsTextAsync());

        var sent = Assert.Single(_google.Requests);
        Assert.Equal(ModelPath + ":generateContent", sent.Path);
        Assert.Equal($"Bearer {FakeGemini.StaticAccessToken}", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("x-goog-api-key"));
        Assert.Equal("search", sent.Body["labels"]!["team"]!.GetValue<string>()); // Vertex takes labels; AI Studio would refuse them
        Assert.Equal("Be brief.", sent.Body["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(FakeGemini.Answer, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(("vertex_ai", FakeGemini.PromptTokens), (e.Provider, e.PromptTokens));
    }

    [Fact]
    public async Task a_service_account_gets_a_token_with_a_signed_jwt_once_and_reuses_it()
    {
        await Chat(new { model = "vertex-sa", messages = Hello });
        await Chat(new { model = "vertex-sa", messages = Hello });

        Assert.Single(_google.TokenRequests);
        var calls = _google.Requests.ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(ModelPath + ":generateContent", c.Path)); // the project comes from the key file
        Assert.Single(calls.Select(c => c.Headers["authorization"]).Distinct());
        Assert.StartsWith("Bearer ya29.fake-", calls[0].Headers["authorization"]);
    }

    [Fact]
    public async Task a_key_file_path_and_google_application_credentials_work_too()
    {
        await Chat(new { model = "vertex-sa-file", messages = Hello });
        await Chat(new { model = "vertex-env", messages = Hello }); // project from the file, location from VERTEXAI_LOCATION
        Assert.All(_google.Requests, c => Assert.Equal(ModelPath + ":generateContent", c.Path));
        Assert.Single(_google.TokenRequests); // one account, one token
    }

    [Fact]
    public async Task a_service_account_google_does_not_accept_is_an_authentication_error()
    {
        var error = await (await Chat(new { model = "vertex-stranger", messages = Hello }, 401)).OpenAIError(401);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Contains("Invalid JWT Signature", error.GetProperty("message").GetString());
        Assert.Contains(FakeGemini.ServiceAccountEmail, error.GetProperty("message").GetString());
        Assert.Empty(_google.Requests);
    }

    [Fact]
    public async Task a_stream_goes_to_stream_generate_content_with_alt_sse()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "vertex-token", messages = Hello, stream = true, stream_options = new { include_usage = true } })).ReadAsTextAsync());
        var sent = Assert.Single(_google.Requests);
        Assert.Equal(ModelPath + ":streamGenerateContent", sent.Path);
        Assert.Equal("?alt=sse", sent.Query);
        Assert.Equal(FakeGemini.Answer, string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal(FakeGemini.PromptTokens, chunks[^1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task vertex_reads_gs_objects_so_they_go_as_file_data()
    {
        await Chat(new
        {
            model = "vertex-token",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "text", text = "What is it?" }, new { type = "image_url", image_url = new { url = "gs://acme-bucket/cat.png" } } } } },
        });
        var file = Assert.Single(_google.Requests).Body["contents"]![0]!["parts"]![1]!["fileData"]!;
        Assert.Equal("gs://acme-bucket/cat.png", file["fileUri"]!.GetValue<string>());
        Assert.Equal("image/png", file["mimeType"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_project_the_credentials_cannot_use_is_a_403()
    {
        var error = await (await Chat(new { model = "vertex-elsewhere", messages = Hello }, 403)).OpenAIError(403);
        Assert.Contains("PERMISSION_DENIED", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task embeddings_are_refused_with_a_400()
    {
        var result = await _host.Scenario(s =>
        {
            s.Post.Json(new { model = "vertex-token", input = "The sky is blue." }).ToUrl("/v1/embeddings");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
        var error = await result.OpenAIError(400);
        Assert.Contains("chat/completions", error.GetProperty("message").GetString());
        Assert.Empty(_google.Requests);
    }
}
