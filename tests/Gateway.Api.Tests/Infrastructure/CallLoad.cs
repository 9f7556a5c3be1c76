using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// Clients that call a gateway in a loop, each call streamed or not in turn, until stopped, and remember how every
/// call ended. Each call carries a marker of its own in its message, so the upstream's log tells which calls reached it.
/// A call in progress is never cancelled by <see cref="StopAsync"/>: it ends the way the gateway ends it.
/// </summary>
public sealed class CallLoad
{
    readonly ConcurrentBag<CallOutcome> _outcomes = [];
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _clients;

    CallLoad(HttpClient client, string model, int clients)
    {
        // Started a little apart, so that at any moment some calls are in flight.
        _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => RunAsync(client, model, i % 2 == 0, TimeSpan.FromMilliseconds(40 * i))))];
    }

    /// <summary>Starts <paramref name="clients"/> clients calling <paramref name="model"/> through <paramref name="client"/>.</summary>
    public static CallLoad Start(HttpClient client, string model, int clients) => new(client, model, clients);

    public IReadOnlyList<CallOutcome> Outcomes => [.. _outcomes];

    /// <summary>Calls answered in full so far: a 200 with the whole body (a stream up to its [DONE]).</summary>
    public int Answered => _outcomes.Count(o => o.Answered);

    /// <summary>Waits until at least <paramref name="count"/> calls were answered in full.</summary>
    public async Task WaitForAnsweredAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Answered < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Only {Answered} calls were answered within {timeout.TotalSeconds} s; outcomes: "
                    + string.Join("; ", _outcomes.Where(o => !o.Answered).Take(5)));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Lets each client finish its call in progress and starts no more.</summary>
    public async Task<IReadOnlyList<CallOutcome>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return Outcomes;
    }

    async Task RunAsync(HttpClient client, string model, bool streamFirst, TimeSpan startAfter)
    {
        await Task.Delay(startAfter, CancellationToken.None);
        var stream = streamFirst;
        while (!_stop.IsCancellationRequested)
        {
            var outcome = await CallAsync(client, model, stream);
            _outcomes.Add(outcome);
            stream = !stream;
            // A gateway that is gone refuses at once: do not spin.
            if (outcome.Status is null)
                await Task.Delay(50, CancellationToken.None);
        }
    }

    static async Task<CallOutcome> CallAsync(HttpClient client, string model, bool stream)
    {
        var marker = Guid.NewGuid().ToString("N");
        var sentAt = DateTime.UtcNow;
        string? callId = null;
        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new
                {
                    model,
                    stream,
                    max_tokens = 20,
                    messages = new[] { new { role = "user", content = $"call {marker}" } },
                }),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            status = (int)response.StatusCode;
            callId = response.Headers.TryGetValues("x-litellm-call-id", out var ids) ? ids.First() : null;
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var whole = stream ? body.Contains("data: [DONE]", StringComparison.Ordinal) : body.Contains("\"choices\"", StringComparison.Ordinal);
            return new CallOutcome(marker, stream, sentAt, DateTime.UtcNow, status, callId, whole, whole ? null : Shorten(body));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new CallOutcome(marker, stream, sentAt, DateTime.UtcNow, status, callId, false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>
/// How one call ended. <see cref="Status"/> is null when no answer came at all (refused or cut connection);
/// <see cref="Whole"/> says the whole body arrived (a stream up to its [DONE]).
/// </summary>
public sealed record CallOutcome(
    string Marker, bool Stream, DateTime SentAt, DateTime EndedAt, int? Status, string? CallId, bool Whole, string? Error)
{
    public bool Answered => Status == 200 && Whole && CallId is not null;
}
