using System.Text;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Providers.Bedrock;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// The real gateway on Kestrel (real sockets on both sides) whose model groups are named <c>{provider}-{fault}</c>, each
/// one deployment in front of <see cref="Faults"/> speaking that provider's wire format and breaking that way (see
/// <see cref="FaultyStreams"/>); <c>stall</c> deployments have a <c>stream_timeout</c> of <see cref="StallTimeout"/>,
/// <c>leave</c> ones (which stall too) none, so that only a client's leaving ends their calls.
/// <c>many-{provider}-stall</c> groups point at a second upstream, <see cref="Stalls"/>, which serves nothing else, so
/// every connection to it is one a stalled stream opened; they take at most <see cref="ParallelStalls"/> calls at once.
/// </summary>
public sealed class StreamFaultGateway(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>Long enough for a first chunk on a loaded machine; the stall tests wait this long each.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    public const int ParallelStalls = 20;

    public static readonly string[] Faults = ["complete", "reset", "json", "junk", "truncated", "cut", "stall", "leave"];

    public FaultyStreams Faulty { get; private set; } = null!;
    public FaultyStreams Stalls { get; private set; } = null!;
    public KestrelGateway Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Faulty = FaultyStreams.Start();
        Stalls = FaultyStreams.Start();
        var yaml = new StringBuilder("model_list:\n");
        foreach (var provider in FaultyStreams.Providers)
        {
            foreach (var fault in Faults)
                yaml.Append(Deployment($"{provider}-{fault}", provider, $"{Faulty.Root}/{provider}-{fault}", fault == "stall" ? "stream_timeout: 2" : ""));
            yaml.Append(Deployment($"many-{provider}-stall", provider, $"{Stalls.Root}/{provider}-stall", $"stream_timeout: 2, max_parallel_requests: {ParallelStalls}"));
        }
        yaml.Append(Deployment("openai-firehose", "openai", $"{Faulty.Root}/openai-firehose", "stream_timeout: 1"));
        // Each test meets its fault on purpose; a deployment cooling down after it would refuse the next test's call.
        yaml.Append("router_settings:\n  disable_cooldowns: true\n");
        Gateway = await KestrelGateway.StartAsync(postgres, yaml.ToString());
    }

    static string Deployment(string name, string provider, string apiBase, string extra)
    {
        var model = provider switch
        {
            "openai" => $"\"openai/gpt-4o\", api_base: \"{apiBase}/v1\", api_key: sk-fake",
            "anthropic" => $"\"anthropic/claude-sonnet-4-5\", api_base: \"{apiBase}\", api_key: sk-ant-fake",
            "gemini" => $"\"gemini/gemini-2.5-flash\", api_base: \"{apiBase}\", api_key: fake-gemini-key",
            "bedrock" => $"\"bedrock/{FakeBedrock.Model}\", api_base: \"{apiBase}\", aws_access_key_id: {FakeBedrock.AccessKey}, " +
                $"aws_secret_access_key: \"{FakeBedrock.SecretKey}\", aws_region_name: {FakeBedrock.Region}",
            "ollama_chat" => $"\"ollama_chat/llama3.2\", api_base: \"{apiBase}\"",
            _ => throw new ArgumentException(provider),
        };
        var more = extra.Length > 0 ? ", " + extra : "";
        return $$"""
              - model_name: {{name}}
                litellm_params: { model: {{model}}, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002{{more}} }

            """;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Faulty.DisposeAsync();
        await Stalls.DisposeAsync();
    }
}
