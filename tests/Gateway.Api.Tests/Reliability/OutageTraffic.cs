using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;

namespace Gateway.Api.Tests.Reliability;

/// <summary>One call as its client saw it: the answer's status, call id and cost, and when it ran.</summary>
public sealed record SeenCall(string Key, bool Stream, int Status, Guid? RequestId, decimal? Cost, bool Complete, string Body,
    DateTime StartedAt, DateTime EndedAt);

/// <summary>
/// Several clients calling chat completions in a loop, streamed and not, until stopped; every answer is kept. A call
/// in flight when the traffic stops is finished, not cancelled (a cancelled call is a client that left, charged apart).
/// Disposing stops it, so a test that fails half-way leaves no client calling.
/// </summary>
public sealed class OutageTraffic : IAsyncDisposable
{
    const string Prompt = "Tell me about outages in exactly these words please";

    readonly ConcurrentQueue<SeenCall> _calls = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _clients;

    public OutageTraffic(HttpClient http, IReadOnlyList<string> keys, int clients)
    {
        _clients = Enumerable.Range(0, clients)
            .Select(client => Task.Run(() => LoopAsync(http, keys[client % keys.Count], client)))
            .ToArray();
    }

    public IReadOnlyCollection<SeenCall> Calls => _calls;

    /// <summary>Calls that started and ended between two moments (while the database was down, say).</summary>
    public IReadOnlyList<SeenCall> Between(DateTime from, DateTime to) =>
        _calls.Where(call => call.StartedAt >= from && call.EndedAt <= to).ToList();

    public async Task<IReadOnlyList<SeenCall>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return _calls.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    async Task LoopAsync(HttpClient http, string key, int client)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            _calls.Enqueue(await CallAsync(http, key, stream: (i + client) % 2 == 1));
            // A short pause keeps a 2-core CI box responsive; the load is in the concurrency, not the rate.
            await Task.Delay(15, CancellationToken.None);
        }
    }

    public static async Task<SeenCall> CallAsync(HttpClient http, string key, bool stream)
    {
        var started = DateTime.UtcNow;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new
                {
                    model = "mock-gpt",
                    max_tokens = 20,
                    stream,
                    messages = new[] { new { role = "user", content = Prompt } },
                }),
            };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var id = response.Headers.TryGetValues("x-litellm-call-id", out var ids) ? Guid.Parse(ids.First()) : (Guid?)null;
            // A stream's cost is known at its end and comes as a trailer.
            var costs = stream ? response.TrailingHeaders : response.Headers;
            var cost = costs.TryGetValues("x-litellm-response-cost", out var values)
                ? decimal.Parse(values.First(), CultureInfo.InvariantCulture)
                : (decimal?)null;
            var complete = !stream || (body.TrimEnd().EndsWith("data: [DONE]", StringComparison.Ordinal) && !body.Contains("\"error\"", StringComparison.Ordinal));
            return new SeenCall(key, stream, (int)response.StatusCode, id, cost, complete, body, started, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new SeenCall(key, stream, -1, null, null, false, ex.ToString(), started, DateTime.UtcNow);
        }
    }
}
