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
            s.Get.Url("/ui");
            s.StatusCodeShouldBeOk();
        });
        var html = await result.ReadAsTextAsync();
        Assert.Contains("LLM Gateway", html);
        Assert.Contains("_framework/blazor.web.js", html);
    }
}
