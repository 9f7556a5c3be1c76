using System.Text;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// A gateway with one of each kind of caller: a plain virtual key, the keys of two team leads (each an admin member of
/// their own team, with no admin role), a proxy_admin_viewer's key, a proxy_admin's key, and the master key. The
/// failed-authentication limit is off here: the matrix sends a wrong key to every route on purpose.
/// </summary>
public sealed class MatrixGateway(PostgresFixture postgres) : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>Each caller's key by name; "no key" has none.</summary>
    public IReadOnlyDictionary<string, string?> Keys { get; private set; } = null!;

    /// <summary>A key of team alpha that no caller but admins may read.</summary>
    public string TargetKey { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await GatewayTestHost.StartAsync(postgres, settings: new Dictionary<string, string?> { ["GATEWAY_FAILED_AUTH_LIMIT"] = "0" });
        foreach (var (user, role) in new[] { ("lead-a", "internal_user"), ("lead-b", "internal_user"), ("viewer", "proxy_admin_viewer"), ("admin-user", "proxy_admin") })
            await Host.AdminPost("/user/new", new { user_id = user, user_role = role });
        await Host.AdminPost("/team/new", new { team_id = "alpha", members_with_roles = new[] { new { user_id = "lead-a", role = "admin" } } });
        await Host.AdminPost("/team/new", new { team_id = "beta", members_with_roles = new[] { new { user_id = "lead-b", role = "admin" } } });
        await Host.AdminPost("/customer/new", new { user_id = "acme" });

        async Task<string> Key(object body) => (await Host.AdminPost("/key/generate", body)).GetProperty("key").GetString()!;
        Keys = new Dictionary<string, string?>
        {
            [Callers.NoKey] = null,
            [Callers.WrongKey] = "sk-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            [Callers.PlainKey] = await Key(new { key_alias = "plain" }),
            [Callers.TeamLead] = await Key(new { key_alias = "lead-a", user_id = "lead-a", team_id = "alpha" }),
            [Callers.OtherTeamLead] = await Key(new { key_alias = "lead-b", user_id = "lead-b", team_id = "beta" }),
            [Callers.Viewer] = await Key(new { key_alias = "viewer", user_id = "viewer" }),
            [Callers.AdminUser] = await Key(new { key_alias = "admin-user", user_id = "admin-user" }),
            [Callers.MasterKey] = GatewayTestHost.MasterKey,
        };
        TargetKey = await Key(new { key_alias = "target", team_id = "alpha" });
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public static class Callers
{
    public const string NoKey = "no key";
    public const string WrongKey = "a wrong key";
    public const string PlainKey = "a plain virtual key";
    public const string TeamLead = "team alpha's lead";
    public const string OtherTeamLead = "team beta's lead";
    public const string Viewer = "a proxy_admin_viewer";
    public const string AdminUser = "a proxy_admin";
    public const string MasterKey = "the master key";

    public static readonly string[] All = [NoKey, WrongKey, PlainKey, TeamLead, OtherTeamLead, Viewer, AdminUser, MasterKey];
}

/// <summary>Who may call a route, which decides what each caller should get.</summary>
public enum RouteAccess
{
    /// <summary>Anyone, with or without a key: health probes.</summary>
    Public,

    /// <summary>Any valid key: the OpenAI and Anthropic endpoints and the model list.</summary>
    Proxy,

    /// <summary>Admins and proxy_admin_viewers: admin lists, info and spend.</summary>
    AdminRead,

    /// <summary>Admins only (the master key or a proxy_admin's key): every admin command.</summary>
    AdminWrite,

    /// <summary>
    /// A portal page behind sign-in (shown, or posted to): an API key is no portal cookie, so every caller is sent to sign
    /// in before anything else is looked at.
    /// </summary>
    PortalPage,

    /// <summary>A portal page anyone may open (sign-in, invitation, not found).</summary>
    PortalOpenPage,

    /// <summary>A form post to an open page or to sign-out: refused without the portal's antiforgery token, whatever key comes with it.</summary>
    PortalForm,

    /// <summary>Blazor's circuit hub and the portal's files: no API key changes what they answer, and they never fail.</summary>
    PortalInfrastructure,

    /// <summary>The catch-all under /v1: an OpenAI-shaped 404 for everyone.</summary>
    NotFound,
}

/// <summary>
/// Every route the app maps × every kind of caller, against one table of who may call what. The routes come from the
/// app's endpoint data source, so a new route that is not in <see cref="Table"/> fails
/// <see cref="every_route_is_in_the_table"/> until someone decides who may call it.
/// </summary>
public sealed class AuthorisationMatrixTests(MatrixGateway gateway) : IClassFixture<MatrixGateway>
{
    /// <summary>THE table: every route of the app (method and pattern) and who may call it.</summary>
    static readonly Dictionary<string, RouteAccess> Table = new(StringComparer.Ordinal)
    {
        // The OpenAI- and Anthropic-compatible API
        ["POST /v1/chat/completions"] = RouteAccess.Proxy,
        ["POST /chat/completions"] = RouteAccess.Proxy,
        ["POST /engines/{model}/chat/completions"] = RouteAccess.Proxy,
        ["POST /v1/completions"] = RouteAccess.Proxy,
        ["POST /completions"] = RouteAccess.Proxy,
        ["POST /v1/embeddings"] = RouteAccess.Proxy,
        ["POST /embeddings"] = RouteAccess.Proxy,
        ["POST /v1/messages"] = RouteAccess.Proxy,
        ["POST /messages"] = RouteAccess.Proxy,
        ["POST /v1/messages/count_tokens"] = RouteAccess.Proxy,
        ["POST /messages/count_tokens"] = RouteAccess.Proxy,
        ["GET /v1/models"] = RouteAccess.Proxy,
        ["GET /models"] = RouteAccess.Proxy,
        ["* /v1/{**rest}"] = RouteAccess.NotFound,

        // Health
        ["GET /health/liveliness"] = RouteAccess.Public,
        ["GET /health/liveness"] = RouteAccess.Public,
        ["GET /health/readiness"] = RouteAccess.Public,
        ["GET /health"] = RouteAccess.AdminRead,

        // Keys
        ["POST /key/generate"] = RouteAccess.AdminWrite,
        ["POST /key/update"] = RouteAccess.AdminWrite,
        ["POST /key/block"] = RouteAccess.AdminWrite,
        ["POST /key/unblock"] = RouteAccess.AdminWrite,
        ["POST /key/regenerate"] = RouteAccess.AdminWrite,
        ["POST /key/delete"] = RouteAccess.AdminWrite,
        ["GET /key/info"] = RouteAccess.AdminRead, // of another key; a key reading itself is KeyInfoTests'
        ["GET /key/list"] = RouteAccess.AdminRead,

        // Teams
        ["POST /team/new"] = RouteAccess.AdminWrite,
        ["POST /team/update"] = RouteAccess.AdminWrite,
        ["POST /team/block"] = RouteAccess.AdminWrite,
        ["POST /team/unblock"] = RouteAccess.AdminWrite,
        ["POST /team/delete"] = RouteAccess.AdminWrite,
        ["POST /team/member_add"] = RouteAccess.AdminWrite,
        ["POST /team/member_delete"] = RouteAccess.AdminWrite,
        ["POST /team/member_update"] = RouteAccess.AdminWrite,
        ["GET /team/info"] = RouteAccess.AdminRead,
        ["GET /team/list"] = RouteAccess.AdminRead,

        // Users
        ["POST /user/new"] = RouteAccess.AdminWrite,
        ["POST /user/update"] = RouteAccess.AdminWrite,
        ["POST /user/delete"] = RouteAccess.AdminWrite,
        ["GET /user/info"] = RouteAccess.AdminRead,
        ["GET /user/list"] = RouteAccess.AdminRead,

        // Customers (end users)
        ["POST /customer/new"] = RouteAccess.AdminWrite,
        ["POST /customer/update"] = RouteAccess.AdminWrite,
        ["POST /customer/block"] = RouteAccess.AdminWrite,
        ["POST /customer/unblock"] = RouteAccess.AdminWrite,
        ["POST /customer/delete"] = RouteAccess.AdminWrite,
        ["GET /customer/info"] = RouteAccess.AdminRead,
        ["GET /customer/list"] = RouteAccess.AdminRead,

        // Spend
        ["POST /model/new"] = RouteAccess.AdminWrite,
        ["POST /model/update"] = RouteAccess.AdminWrite,
        ["PATCH /model/{id}/update"] = RouteAccess.AdminWrite,
        ["POST /model/delete"] = RouteAccess.AdminWrite,
        ["GET /model/info"] = RouteAccess.AdminRead,
        ["GET /v1/model/info"] = RouteAccess.AdminRead,

        ["GET /spend/logs"] = RouteAccess.AdminRead,
        ["GET /global/spend/report"] = RouteAccess.AdminRead,
        ["GET /user/daily/activity"] = RouteAccess.AdminRead,

        // The portal
        ["GET /ui"] = RouteAccess.PortalPage,
        ["GET /ui/keys"] = RouteAccess.PortalPage,
        ["GET /ui/keys/{KeyId:guid}"] = RouteAccess.PortalPage,
        ["GET /ui/teams/{TeamId}"] = RouteAccess.PortalPage,
        ["GET /ui/logs/{RequestId:guid}"] = RouteAccess.PortalPage,
        ["GET /ui/audit/csv"] = RouteAccess.PortalPage,
        ["GET /ui/usage/export"] = RouteAccess.PortalPage,
        ["GET /ui/teams"] = RouteAccess.PortalPage,
        ["GET /ui/users"] = RouteAccess.PortalPage,
        ["GET /ui/customers"] = RouteAccess.PortalPage,
        ["GET /ui/models"] = RouteAccess.PortalPage,
        ["GET /ui/usage"] = RouteAccess.PortalPage,
        ["GET /ui/logs"] = RouteAccess.PortalPage,
        ["GET /ui/audit"] = RouteAccess.PortalPage,
        ["GET /ui/signin"] = RouteAccess.PortalOpenPage,
        ["GET /ui/invitation/{Token}"] = RouteAccess.PortalOpenPage,
        ["GET /ui/not-found"] = RouteAccess.PortalOpenPage,
        ["GET /ui/{*path}"] = RouteAccess.PortalOpenPage,
        ["POST /ui"] = RouteAccess.PortalPage,
        ["POST /ui/keys"] = RouteAccess.PortalPage,
        ["POST /ui/keys/{KeyId:guid}"] = RouteAccess.PortalPage,
        ["POST /ui/teams/{TeamId}"] = RouteAccess.PortalPage,
        ["POST /ui/logs/{RequestId:guid}"] = RouteAccess.PortalPage,
        ["POST /ui/teams"] = RouteAccess.PortalPage,
        ["POST /ui/users"] = RouteAccess.PortalPage,
        ["POST /ui/customers"] = RouteAccess.PortalPage,
        ["POST /ui/models"] = RouteAccess.PortalPage,
        ["POST /ui/usage"] = RouteAccess.PortalPage,
        ["POST /ui/logs"] = RouteAccess.PortalPage,
        ["POST /ui/audit"] = RouteAccess.PortalPage,
        ["POST /ui/signin"] = RouteAccess.PortalForm,
        ["POST /ui/invitation/{Token}"] = RouteAccess.PortalForm,
        ["POST /ui/not-found"] = RouteAccess.PortalForm,
        ["POST /ui/{*path}"] = RouteAccess.PortalForm,
        ["POST /ui/signout"] = RouteAccess.PortalForm,
        ["* /_blazor"] = RouteAccess.PortalInfrastructure,
        ["* /_blazor/negotiate"] = RouteAccess.PortalInfrastructure,
        ["* /_blazor/disconnect/"] = RouteAccess.PortalInfrastructure,
        ["* /_blazor/initializers/"] = RouteAccess.PortalInfrastructure,
        ["GET /_framework/opaque-redirect"] = RouteAccess.PortalInfrastructure,
        ["GET /{**path:file}"] = RouteAccess.PortalInfrastructure,
        ["HEAD /{**path:file}"] = RouteAccess.PortalInfrastructure,
    };

    IAlbaHost Host => gateway.Host;

    IReadOnlyList<GatewayRoute> Routes => GatewayRoute.Of(Host);

    static string Name(GatewayRoute route) => $"{route.Method} {route.Pattern}";

    [Fact]
    public void every_route_is_in_the_table()
    {
        var unlisted = Routes.Select(Name).Where(name => !Table.ContainsKey(name)).ToList();
        Assert.True(unlisted.Count == 0,
            "Routes nobody has decided the access of; add each to AuthorisationMatrixTests.Table:\n" + string.Join('\n', unlisted));
    }

    [Fact]
    public void every_row_of_the_table_is_a_route()
    {
        var names = Routes.Select(Name).ToHashSet();
        var stale = Table.Keys.Where(row => !names.Contains(row)).ToList();
        Assert.True(stale.Count == 0, "Rows for routes the app no longer maps; remove them:\n" + string.Join('\n', stale));
    }

    [Fact]
    public async Task each_caller_gets_what_the_table_says_on_every_route()
    {
        var wrong = new List<string>();
        foreach (var route in Routes.Where(r => Table.ContainsKey(Name(r))))
        {
            var access = Table[Name(route)];
            foreach (var caller in Callers.All)
            {
                var result = await Call(route, gateway.Keys[caller]);
                var status = result.Context.Response.StatusCode;
                if (Mismatch(access, route, caller, status, result.Context.Response.Headers.Location.ToString()) is { } why)
                    wrong.Add($"{Name(route)} as {caller}: {status}, {why}: {Short(await result.ReadAsTextAsync())}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers differ from the table:\n" + string.Join('\n', wrong));
    }

    /// <summary>Why an answer is wrong for this access and caller, or null when it is right.</summary>
    static string? Mismatch(RouteAccess access, GatewayRoute route, string caller, int status, string location)
    {
        if (status >= 500)
            return "a server error";
        var keyless = caller is Callers.NoKey or Callers.WrongKey;
        var admin = caller is Callers.AdminUser or Callers.MasterKey;
        var reader = admin || caller == Callers.Viewer;
        return access switch
        {
            RouteAccess.Public => status == 200 ? null : "expected 200",
            RouteAccess.Proxy => keyless ? Expect(status, 401) : Expect(status, 200),
            RouteAccess.AdminRead => keyless ? Expect(status, 401) : reader ? Expect(status, 200) : Expect(status, 403),
            RouteAccess.AdminWrite => keyless ? Expect(status, 401)
                : admin ? (status is 401 or 403 ? "expected the command to be judged on its body, not refused for the caller" : null)
                : Expect(status, 403),
            RouteAccess.PortalPage => status == 302 && location.Contains("/ui/signin", StringComparison.Ordinal) ? null : "expected a redirect to /ui/signin",
            RouteAccess.PortalOpenPage => status is 200 or 404 ? null : "expected the page",
            RouteAccess.PortalForm => Expect(status, 400),
            RouteAccess.PortalInfrastructure => null,
            RouteAccess.NotFound => Expect(status, 404),
            _ => $"no expectation for {access}",
        };
    }

    static string? Expect(int status, int expected) => status == expected ? null : $"expected {expected}";

    static string Short(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>The route called as the caller would: admin reads name real things, commands carry a body of the right shape.</summary>
    Task<IScenarioResult> Call(GatewayRoute route, string? key) => Host.Scenario(s =>
    {
        var path = route.Path + Query(route.Pattern);
        switch (route.Method)
        {
            case "GET":
                s.Get.Url(path);
                break;
            case "HEAD":
                s.Head.Url(path);
                break;
            default:
                s.Post.ByteArray(Encoding.UTF8.GetBytes(ValidBodies.For(route.Path).ToJsonString())).ToUrl(path).ContentType("application/json");
                if (route.Method != "POST")
                    s.ConfigureHttpContext(context => context.Request.Method = route.Method);
                break;
        }
        if (key is not null)
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    string Query(string pattern) => pattern switch
    {
        "/key/info" => $"?key={gateway.TargetKey}",
        "/team/info" => "?team_id=alpha",
        "/user/info" => "?user_id=lead-a",
        "/customer/info" => "?end_user_id=acme",
        "/global/spend/report" or "/user/daily/activity" => "?start_date=2026-01-01&end_date=2026-01-31",
        _ => "",
    };
}
