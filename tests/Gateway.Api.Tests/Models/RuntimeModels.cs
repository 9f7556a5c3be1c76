using System.Text.Json;
using Alba;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Api.Tests.Models;

/// <summary>Given-state and readings for models managed at runtime through the admin API.</summary>
public static class RuntimeModels
{
    public const string UpstreamKey = "sk-upstream-secret-4f1c9a";

    /// <summary>Adds an OpenAI-compatible model at <paramref name="upstream"/> with POST /model/new; its model_info.id.</summary>
    public static async Task<string> AddModel(this IAlbaHost host, string modelName, FakeOpenAI upstream, string apiKey = UpstreamKey, object? modelInfo = null)
    {
        var created = await host.AdminPost("/model/new", new
        {
            model_name = modelName,
            litellm_params = new { model = "openai/fake-model", api_base = upstream.BaseUrl.ToString(), api_key = apiKey },
            model_info = modelInfo,
        });
        return created.GetProperty("model_info").GetProperty("id").GetString()!;
    }

    /// <summary>The chat answer's text (the call must succeed).</summary>
    public static async Task<string> Answer(this IScenarioResult result)
    {
        var body = await result.ReadAsTextAsync();
        Assert.True(result.Context.Response.StatusCode == 200, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    /// <summary>GET /model/info with the master key: its whole text and its data entries.</summary>
    public static async Task<(string Text, JsonElement[] Data)> ModelInfo(this IAlbaHost host, string path = "/model/info")
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(path);
            s.WithMasterKey();
        });
        var text = await result.ReadAsTextAsync();
        return (text, [.. JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().Select(e => e.Clone())]);
    }

    public static JsonElement Entry(this JsonElement[] data, string id) =>
        Assert.Single(data, e => e.GetProperty("model_info").GetProperty("id").GetString() == id);

    /// <summary>Every row of a table of the gateway's schema, as text, read with plain SQL (not through Marten).</summary>
    public static async Task<string> RawTable(this IAlbaHost host, string table)
    {
        var url = host.Services.GetRequiredService<IConfiguration>()["DATABASE_URL"]!;
        await using var connection = new NpgsqlConnection(DatabaseUrl.ToNpgsqlConnectionString(url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select coalesce(string_agg(t::text, E'\\n'), '') from {Gateway.Domain.Configuration.SchemaName}.{table} t", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Retries a condition until it holds (15 s at most): for what another node learns from the event feed.</summary>
    public static Task Eventually(Func<Task<bool>> condition, string what) =>
        Poll.Until(condition, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
}

/// <summary>Keeps every log line of a gateway, at every level, to check what reaches the operator's log.</summary>
public sealed class RecordedLog : ILoggerProvider
{
    readonly Hosting.RecordingLogger _logger = new();

    public IReadOnlyList<string> Lines => _logger.Lines;

    public string Text => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose() { }

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(options => options.MinLevel = LogLevel.Trace);
    }
}
