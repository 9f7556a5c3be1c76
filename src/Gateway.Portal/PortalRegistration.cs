using Gateway.Portal.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MudBlazor.Services;

namespace Gateway.Portal;

/// <summary>Plugs the portal (Blazor Server, MudBlazor) into the gateway host at <see cref="BasePath"/>.</summary>
public static class PortalRegistration
{
    /// <summary>Where the portal's pages live; every other path belongs to the API.</summary>
    public const string BasePath = "/ui";

    /// <summary>Razor components with interactive server rendering, and MudBlazor's services.</summary>
    public static IServiceCollection AddGatewayPortal(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return services;
    }

    /// <summary>
    /// Maps the portal's pages under <see cref="BasePath"/>, the Blazor Server hub (<c>/_blazor</c>) and
    /// the static assets (<c>/_framework/…</c>, <c>/_content/…</c>). Adds the antiforgery middleware,
    /// so call it after <c>UseAuthentication</c>/<c>UseAuthorization</c> if the host calls those, and
    /// do not call <c>UseAntiforgery</c> again.
    /// </summary>
    public static WebApplication MapGatewayPortal(this WebApplication app)
    {
        ServeStaticWebAssetsFromBuildOutput(app);

        // Razor component endpoints refuse to run unless antiforgery ran between routing and endpoints.
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .WithStaticAssets()
            .AddInteractiveServerRenderMode();
        return app;
    }

    // Run from the build output (`dotnet run`), MudBlazor's and Blazor's files stay in the NuGet cache
    // and are found only through the static web assets manifest, which ASP.NET Core loads by itself
    // in Development alone: anywhere else they are served as empty 200s. A published app has the files
    // under wwwroot and no such manifest, so there this call does nothing.
    private static void ServeStaticWebAssetsFromBuildOutput(WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        }
    }
}
