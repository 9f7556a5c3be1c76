using System.Collections.Concurrent;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Portal;
using Gateway.Portal.Features.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Tests.Proxy;

public sealed class PortalMountTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    [Fact]
    public async Task the_portal_is_mounted_at_ui_beside_the_api()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url("/ui/signin");
            s.StatusCodeShouldBeOk();
        });
        var html = await result.ReadAsTextAsync();
        Assert.Contains("LLM Gateway", html);
        Assert.Contains("_framework/blazor.web.js", html);
    }

    [Fact]
    public async Task the_portal_sends_a_visitor_without_the_sign_in_cookie_to_sign_in()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url("/ui");
            s.StatusCodeShouldBe(302);
        });

        Assert.EndsWith("/ui/signin?ReturnUrl=%2Fui", result.Context.Response.Headers.Location.ToString());
    }

    [Fact]
    public async Task api_calls_never_read_the_portal_cookie_while_portal_pages_do()
    {
        // Every request that reads the cookie validates its principal: record where that happens.
        var validated = new ConcurrentBag<string>();
        var options = gateway.Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalAuthentication.Scheme);
        var original = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = context =>
        {
            validated.Add(context.Request.Path);
            return original(context);
        };
        try
        {
            await using var scope = gateway.Host.Services.CreateAsyncScope();
            var signIn = await scope.ServiceProvider.GetRequiredService<IPortalAccounts>()
                .SignInAsync("admin", GatewayTestHost.MasterKey, TestContext.Current.CancellationToken);
            var cookie = $"{PortalAuthentication.CookieName}={options.TicketDataFormat.Protect(new AuthenticationTicket(signIn.Principal!, PortalAuthentication.Scheme))}";

            await gateway.Host.Scenario(s =>
            {
                s.Post.Json(ChatCompletionsTests.Chat("Hi")).ToUrl("/v1/chat/completions");
                s.WithMasterKey();
                s.WithRequestHeader("Cookie", cookie);
                s.StatusCodeShouldBeOk();
            });
            await gateway.Host.Scenario(s =>
            {
                s.Get.Url("/v1/models");
                s.WithMasterKey();
                s.WithRequestHeader("Cookie", cookie);
                s.StatusCodeShouldBeOk();
            });
            Assert.Empty(validated);

            // The same cookie on a portal page is read: signed in, no redirect to sign in.
            await gateway.Host.Scenario(s =>
            {
                s.Get.Url("/ui");
                s.WithRequestHeader("Cookie", cookie);
                s.StatusCodeShouldBeOk();
            });
            Assert.Contains("/ui", validated);
        }
        finally
        {
            options.Events.OnValidatePrincipal = original;
        }
    }
}
