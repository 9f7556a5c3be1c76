using Gateway.Portal.Components;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal;

/// <summary>The portal's sign-in cookie. Only requests to the portal read it (see <see cref="PortalRegistration"/>).</summary>
public static class PortalAuthentication
{
    public const string Scheme = "portal";
    public const string CookieName = "gateway_portal";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddAuthorization();
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            // Lax, not Strict: a link to the portal from mail or chat should arrive signed in.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The circuit's hub is /_blazor, outside /ui: it must see the cookie too.
            cookie.Cookie.Path = "/";
            cookie.LoginPath = SignInPaths.SignIn;
            cookie.LogoutPath = SignInPaths.SignOut;
            cookie.AccessDeniedPath = SignInPaths.SignIn;
            cookie.ReturnUrlParameter = "ReturnUrl";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        return services;
    }
}
