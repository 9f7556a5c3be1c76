using Gateway.Portal.Components;

namespace Gateway.Portal.Tests.Features.Access;

public sealed class SignInPathsTests
{
    [Theory]
    [InlineData("/ui", "/ui")]
    [InlineData("/ui/keys", "/ui/keys")]
    [InlineData("/ui/keys?page=2", "/ui/keys?page=2")]
    [InlineData(null, "/ui")]
    [InlineData("", "/ui")]
    [InlineData("https://evil.example/ui", "/ui")]
    [InlineData("//evil.example/ui", "/ui")]
    [InlineData("/\\evil.example", "/ui")]
    [InlineData("/uiother", "/ui")]
    [InlineData("/v1/models", "/ui")]
    [InlineData("/ui/signin?ReturnUrl=/ui", "/ui")]
    public void sign_in_only_returns_to_an_address_inside_the_portal(string? returnUrl, string expected)
    {
        Assert.Equal(expected, SignInPaths.SafeReturnUrl(returnUrl));
    }
}
