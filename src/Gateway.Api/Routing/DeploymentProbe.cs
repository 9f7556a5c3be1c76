using System.Text;
using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Api.Proxy;

namespace Gateway.Api.Routing;

/// <summary>One deployment's health as a probe found it. The error is the upstream's message (never a credential of ours).</summary>
public sealed record ProbeResult(Deployment Deployment, bool Healthy, string? Error, DateTimeOffset At);

/// <summary>
/// Asks a deployment the smallest thing it can answer (LiteLLM's health check): one token of chat, one token of text
/// completion, or the embedding of a word, by its mode, under its own timeout. Straight to the provider: no router,
/// no retries, no cooldowns, no spend.
/// </summary>
public static class DeploymentProbe
{
    public static async Task<ProbeResult> ProbeAsync(Deployment deployment, TimeProvider time, CancellationToken ct)
    {
        var (endpoint, json) = deployment.Mode switch
        {
            "embedding" => (OpenAIEndpoint.Embeddings, """{"model":"probe","input":"ping"}"""),
            "completion" => (OpenAIEndpoint.Completions, """{"model":"probe","prompt":"ping","max_tokens":1}"""),
            _ => (OpenAIEndpoint.ChatCompletions, """{"model":"probe","messages":[{"role":"user","content":"ping"}],"max_tokens":1}"""),
        };
        using var body = RequestBody.From(Encoding.UTF8.GetBytes(json));
        var request = ProxyRequest.Parse(endpoint, body, out _)!;

        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var leaving = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        deadline.CancelAfter(deployment.Timeout);
        string? error;
        try
        {
            await using var reply = await deployment.Provider.SendAsync(new UpstreamCall(request, deployment, Guid.CreateVersion7(), time.GetUtcNow()), deadline.Token);
            error = reply is UpstreamFailure failure ? failure.Error.WithoutSecretsOf(deployment).Message : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = ApiError.UpstreamTimeout(deployment.Id, deployment.Timeout.TotalSeconds).Message;
        }
        return new ProbeResult(deployment, error is null, error, time.GetUtcNow());
    }

    /// <summary>Every deployment of <paramref name="groups"/>, a few at a time.</summary>
    public static async Task<IReadOnlyList<ProbeResult>> ProbeAllAsync(IEnumerable<ModelGroup> groups, TimeProvider time, CancellationToken ct)
    {
        var deployments = groups.SelectMany(g => g.Deployments).ToList();
        var results = new ProbeResult[deployments.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, deployments.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => results[i] = await ProbeAsync(deployments[i], time, token));
        return results;
    }
}
