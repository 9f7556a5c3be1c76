using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Portal;
using Gateway.Portal.KeyRing;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Several gateways behind a load balancer share the portal's key ring through their database: a sign-in form served
/// by one node can be posted to another, and the cookie it sets is good on both. A gateway on another database has
/// its own ring and does not accept it, so the sharing is the database's, not this machine's disk.
/// </summary>
public sealed partial class PortalSessionAcrossNodesTests(PostgresFixture postgres) : IAsyncLifetime
{
    IAlbaHost _a = null!;
    IAlbaHost _b = null!;
    IAlbaHost _elsewhere = null!;
    string _database = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?> { ["DATABASE_URL"] = _database };
        _a = await GatewayTestHost.StartAsync(postgres, settings: shared);
        _b = await GatewayTestHost.StartAsync(postgres, settings: shared);
        _elsewhere = await GatewayTestHost.StartAsync(postgres);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("\\b(name|value)=\"([^\"]*)\"")]
    private static partial Regex Attribute();

    static string Cookies(HttpResponseMessage response) => string.Join("; ",
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c.Split(';')[0]) : []);

    /// <summary>Fetches the sign-in form from <paramref name="formFrom"/> and posts it, filled in, to <paramref name="postTo"/>: the portal cookie it set.</summary>
    static async Task<string> SignInAcrossAsync(IAlbaHost formFrom, IAlbaHost postTo, CancellationToken ct)
    {
        using var form = await formFrom.Server.CreateClient().GetAsync("/ui/signin", ct);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync(ct);
        var fields = new Dictionary<string, string>();
        foreach (Match input in Input().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(a => a.Groups[1].Value, a => WebUtility.HtmlDecode(a.Groups[2].Value));
            if (attributes.TryGetValue("name", out var name))
                fields[name] = attributes.GetValueOrDefault("value") ?? "";
        }
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        fields[fields.Keys.Single(k => k.EndsWith("Username", StringComparison.Ordinal))] = "admin";
        fields[fields.Keys.Single(k => k.EndsWith("Password", StringComparison.Ordinal))] = GatewayTestHost.MasterKey;

        using var post = new HttpRequestMessage(HttpMethod.Post, "/ui/signin") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", Cookies(form));
        using var signedIn = await postTo.Server.CreateClient().SendAsync(post, ct);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"the sign-in answered {(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync(ct)}");
        var cookie = Cookies(signedIn).Split("; ").Single(c => c.StartsWith(PortalAuthentication.CookieName + "=", StringComparison.Ordinal));
        return cookie;
    }

    static async Task<HttpResponseMessage> OverviewAsync(IAlbaHost node, string cookie, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui");
        request.Headers.Add("Cookie", cookie);
        return await node.Server.CreateClient().SendAsync(request, ct);
    }

    [Fact]
    public async Task a_sign_in_form_from_one_node_posted_to_the_other_signs_in_on_both()
    {
        var ct = TestContext.Current.CancellationToken;

        var cookie = await SignInAcrossAsync(_a, _b, ct);

        using var onA = await OverviewAsync(_a, cookie, ct);
        using var onB = await OverviewAsync(_b, cookie, ct);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Contains("admin · Admin", WebUtility.HtmlDecode(await onA.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);

        // And the other way round.
        var back = await SignInAcrossAsync(_b, _a, ct);
        using var backOnB = await OverviewAsync(_b, back, ct);
        Assert.Equal(HttpStatusCode.OK, backOnB.StatusCode);
    }

    [Fact]
    public async Task a_gateway_on_another_database_does_not_accept_the_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        var cookie = await SignInAcrossAsync(_a, _b, ct);

        using var elsewhere = await OverviewAsync(_elsewhere, cookie, ct);

        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.Contains("/ui/signin", elsewhere.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_key_ring_is_in_the_database_encrypted()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInAcrossAsync(_a, _b, ct);

        var stored = new List<string>();
        await using (var connection = new Npgsql.NpgsqlConnection(_database))
        {
            await connection.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand(
                $"select xml from {Gateway.Domain.Configuration.SchemaName}.{KeyRingTable.TableName}", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                stored.Add(reader.GetString(0));
        }

        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.Contains("<key ", xml, StringComparison.Ordinal);
            Assert.Contains("gatewayEncryptedKey", xml, StringComparison.Ordinal);
            // Unencrypted, Data Protection writes the secret itself in a <masterKey> element.
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }
}
