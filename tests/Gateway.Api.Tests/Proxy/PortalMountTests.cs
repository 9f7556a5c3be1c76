using Alba;
using Gateway.Api.Tests.Infrastructure;

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
}
