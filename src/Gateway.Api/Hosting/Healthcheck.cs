namespace Gateway.Api.Hosting;

/// <summary>
/// <c>Gateway.Api healthcheck</c>: asks the local gateway for readiness and exits 0 or 1, so container health checks
/// need no curl in the image.
/// </summary>
public static class Healthcheck
{
    public static async Task<int> RunAsync()
    {
        var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "4000";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/readiness");
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"unhealthy: {ex.Message}");
            return 1;
        }
    }
}
