using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Gateway.Api.Keys;
using Gateway.Api.Limits;
using Gateway.Api.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// Three wrong keys a minute per client address (<c>failed_auth_limit: 3</c>), on a clock the tests move: the fourth
/// attempt, whatever key it carries, is a 429 in LiteLLM's shape with retry-after, answered without a database lookup;
/// other clients and valid keys are untouched, and the client may try again once the window ends. The portal's
/// sign-in form is limited the same way, per address and per username.
/// </summary>
public sealed partial class FailedAuthenticationLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.7");
    static readonly IPAddress Neighbour = IPAddress.Parse("203.0.113.8");
    static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");

    readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    IAlbaHost _host = null!;
    string _key = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(postgres, """
            general_settings:
              failed_auth_limit: 3
              failed_auth_window_seconds: 60
              trusted_proxies: ["10.0.0.0/24"]
            """, services: services => services.AddSingleton<TimeProvider>(_clock));
        _key = (await _host.AdminPost("/key/generate", new { key_alias = "valid" })).GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    static string WrongKey() => "sk-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    Task<IScenarioResult> Models(IPAddress from, string? key, string? forwardedFor = null) => _host.Scenario(s =>
    {
        s.Get.Url("/v1/models");
        s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = from);
        if (key is not null)
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        if (forwardedFor is not null)
            s.WithRequestHeader("X-Forwarded-For", forwardedFor);
        s.IgnoreStatusCode();
    });

    static int Status(IScenarioResult result) => result.Context.Response.StatusCode;

    [Fact]
    public async Task a_client_that_sent_too_many_wrong_keys_gets_429_with_retry_after_until_the_window_ends()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(401, Status(await Models(Guesser, WrongKey())));

        // Now even a valid key from that address is refused, in LiteLLM's shape, and says when to come back.
        var refused = await Models(Guesser, _key);
        var error = await refused.OpenAIError(429);
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("too many invalid API keys", error.GetProperty("message").GetString());
        var retryAfter = int.Parse(refused.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(429, Status(await Models(Guesser, WrongKey())));
        Assert.Equal(429, Status(await _host.Scenario(s =>
        {
            s.Post.Json(new { key_alias = "nope" }).ToUrl("/key/generate");
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = Guesser);
            s.WithMasterKey(); // the master key too: guessing it is what this stops
            s.IgnoreStatusCode();
        })));

        // Its neighbour is untouched.
        Assert.Equal(200, Status(await Models(Neighbour, _key)));
        Assert.Equal(401, Status(await Models(Neighbour, WrongKey())));

        // After the window, the client is heard again.
        _clock.Advance(TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(200, Status(await Models(Guesser, _key)));
        Assert.Equal(401, Status(await Models(Guesser, WrongKey())));
    }

    [Fact]
    public async Task valid_keys_and_missing_keys_are_never_counted()
    {
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(200, Status(await Models(Guesser, _key)));
            Assert.Equal(401, Status(await Models(Guesser, null)));
        }

        Assert.Equal(401, Status(await Models(Guesser, WrongKey())));
        Assert.Equal(401, Status(await Models(Guesser, WrongKey())));
        Assert.Equal(200, Status(await Models(Guesser, _key)));
    }

    [Fact]
    public async Task a_refused_client_costs_no_database_lookup()
    {
        using var queries = new KeyQueries(DatabaseName());

        await Models(Neighbour, WrongKey());
        Assert.True(queries.Count > 0, "a wrong key from a client in good standing is looked up in the database (so this test can see lookups)");

        for (var i = 0; i < 3; i++)
            await Models(Guesser, WrongKey());
        var before = queries.Count;
        for (var i = 0; i < 50; i++)
            Assert.Equal(429, Status(await Models(Guesser, WrongKey())));
        Assert.Equal(before, queries.Count);
    }

    [Fact]
    public async Task x_forwarded_for_names_the_client_only_when_a_trusted_proxy_sends_it()
    {
        // Through the trusted proxy, each forwarded address is a client of its own.
        for (var i = 0; i < 3; i++)
            await Models(Proxy, WrongKey(), forwardedFor: "198.51.100.1");
        Assert.Equal(429, Status(await Models(Proxy, _key, forwardedFor: "198.51.100.1")));
        Assert.Equal(200, Status(await Models(Proxy, _key, forwardedFor: "198.51.100.2")));

        // From anywhere else the header is the client's own claim, and ignored: changing it does not start afresh.
        for (var i = 0; i < 3; i++)
            await Models(Guesser, WrongKey(), forwardedFor: $"192.0.2.{i}");
        Assert.Equal(429, Status(await Models(Guesser, _key, forwardedFor: "192.0.2.99")));
    }

    [Fact]
    public async Task lookups_of_random_keys_leave_bounded_memory()
    {
        var directory = new KeyDirectory(_host.Services.GetRequiredService<IDocumentStore>(), _host.Services.GetRequiredService<BudgetSeeder>(), _clock)
        {
            SweepNegativesAbove = 200,
        };
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 300; i++)
            Assert.Null(await directory.FindAsync(Gateway.Domain.Keys.KeyPlaintext.Hash(WrongKey()), ct));
        Assert.Equal(300, directory.NegativeEntries); // each "no such key" is remembered for a few seconds

        _clock.Advance(KeyDirectory.NegativeLifetime + TimeSpan.FromSeconds(1));
        Assert.Null(await directory.FindAsync(Gateway.Domain.Keys.KeyPlaintext.Hash(WrongKey()), ct));
        Assert.Equal(1, directory.NegativeEntries);
    }

    [Fact]
    public async Task the_portal_refuses_sign_ins_after_too_many_failures_per_address_and_per_username()
    {
        for (var i = 0; i < 3; i++)
        {
            var wrong = await SignIn(Guesser, "admin", $"guess {i}");
            Assert.Equal(200, Status(wrong));
            Assert.Contains("The username or password is not right.", await wrong.ReadAsTextAsync());
        }

        // The right password no longer helps from that address…
        var refused = await SignIn(Guesser, "admin", GatewayTestHost.MasterKey);
        Assert.Equal(429, Status(refused));
        Assert.Contains("Too many failed sign-ins from your network.", await refused.ReadAsTextAsync());
        Assert.DoesNotContain(refused.Context.Response.Headers.SetCookie, cookie => cookie!.StartsWith("gateway_portal=", StringComparison.Ordinal));

        // …nor for that username from another one.
        var elsewhere = await SignIn(Neighbour, "admin", GatewayTestHost.MasterKey);
        Assert.Equal(429, Status(elsewhere));
        Assert.Contains("Too many failed sign-ins for this username.", await elsewhere.ReadAsTextAsync());

        // Once the window has passed, the admin signs in.
        _clock.Advance(TimeSpan.FromSeconds(61));
        var signedIn = await SignIn(Guesser, "admin", GatewayTestHost.MasterKey);
        Assert.Equal(302, Status(signedIn));
        Assert.Contains(signedIn.Context.Response.Headers.SetCookie, cookie => cookie!.StartsWith("gateway_portal=", StringComparison.Ordinal));
    }

    /// <summary>Opens the sign-in page from <paramref name="from"/> and posts its form back, as a browser does.</summary>
    async Task<IScenarioResult> SignIn(IPAddress from, string username, string password)
    {
        var page = await _host.Scenario(s =>
        {
            s.Get.Url("/ui/signin");
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = from);
        });
        var html = await page.ReadAsTextAsync();
        var cookies = string.Join("; ", page.Context.Response.Headers.SetCookie.Select(c => c!.Split(';')[0]));
        var form = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        form[FieldName(html, "username")] = username;
        form[FieldName(html, "password")] = password;

        return await _host.Scenario(s =>
        {
            s.Post.FormData(form).ToUrl("/ui/signin");
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = from);
            s.WithRequestHeader("Cookie", cookies);
            s.IgnoreStatusCode();
        });
    }

    static string FieldName(string html, string id) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"<input[^>]*id=\"{id}\"[^>]*name=\"(?<name>[^\"]+)\"|<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*id=\"{id}\"").Groups["name"].Value);

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    string DatabaseName() => new Npgsql.NpgsqlConnectionStringBuilder(
        Gateway.Api.Hosting.DatabaseUrl.ToNpgsqlConnectionString(_host.Services.GetRequiredService<Gateway.Api.Hosting.GatewaySettings>().DatabaseUrl!)).Database!;

    /// <summary>Commands on this gateway's database that read virtual keys, seen through Npgsql's tracing.</summary>
    sealed class KeyQueries : IDisposable
    {
        readonly ActivityListener _listener;
        readonly ConcurrentBag<string> _seen = [];

        public KeyQueries(string database)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name.StartsWith("Npgsql", StringComparison.Ordinal),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var text = string.Join(' ', activity.TagObjects.Select(t => t.Value?.ToString()));
                    if (text.Contains(database, StringComparison.Ordinal) && text.Contains("mt_doc_virtualkey", StringComparison.OrdinalIgnoreCase))
                        _seen.Add(text);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => _seen.Count;

        public void Dispose() => _listener.Dispose();
    }
}
