using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class ModelsAndHealthTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/models")]
    public async Task with_no_config_the_mock_models_are_listed(string url)
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["mock-embedding", "mock-gpt"], ids);
        Assert.All(body.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Theory]
    [InlineData("/health/liveliness")]
    [InlineData("/health/liveness")]
    public async Task liveness_needs_no_key(string url)
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal("\"I'm alive!\"", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task readiness_reports_the_database()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Get.Url("/health/readiness");
            s.StatusCodeShouldBeOk();
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("connected", body.GetProperty("db").GetString());
    }
}
