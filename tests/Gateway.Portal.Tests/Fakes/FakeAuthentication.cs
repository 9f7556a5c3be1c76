using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>The HTTP request of a server-rendered form post, with an authentication service that records sign-ins.</summary>
public sealed class FakeAuthentication : IAuthenticationService
{
    public List<(string? Scheme, ClaimsPrincipal Principal)> SignedIn { get; } = [];

    public HttpContext Request() => new DefaultHttpContext
    {
        RequestServices = new ServiceCollection().AddSingleton<IAuthenticationService>(this).BuildServiceProvider(),
    };

    public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties)
    {
        SignedIn.Add((scheme, principal));
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) => Task.FromResult(AuthenticateResult.NoResult());
    public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => Task.CompletedTask;
    public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => Task.CompletedTask;
    public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => Task.CompletedTask;
}
