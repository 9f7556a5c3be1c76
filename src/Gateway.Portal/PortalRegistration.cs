using Gateway.Domain.Users;
using Gateway.Portal.Components;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;
using Gateway.Portal.Features.Customers;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Features.Logs;
using Gateway.Portal.Features.Models;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Features.Usage;
using Gateway.Portal.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MudBlazor.Services;

namespace Gateway.Portal;

/// <summary>Plugs the portal (Blazor Server, MudBlazor) into the gateway host at <see cref="BasePath"/>.</summary>
public static class PortalRegistration
{
    /// <summary>Where the portal's pages live; every other path belongs to the API.</summary>
    public const string BasePath = "/ui";

    /// <summary>
    /// Razor components with interactive server rendering, MudBlazor, the sign-in cookie, and the portal's clients.
    /// The clients read and write through Marten's <c>IDocumentStore</c>, which the host registers.
    /// </summary>
    public static IServiceCollection AddGatewayPortal(this IServiceCollection services, PortalOptions options)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddPortalAuthentication();
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPasswordHasher<PortalUser>, PasswordHasher<PortalUser>>();
        services.AddScoped<IPortalAccounts, PortalAccounts>();
        services.TryAddSingleton(Gateway.Domain.Limits.FailedAttemptLimit.Default); // the host registers the configured one first
        services.AddSingleton<Features.SignIn.SignInThrottle>();
        services.AddScoped<IKeysClient, KeysClient>();
        services.AddScoped<IUsersClient, UsersClient>();
        services.AddScoped<ISpendClient, SpendClient>();
        services.AddScoped<ITeamsClient, TeamsClient>();
        services.AddScoped<ICustomersClient, CustomersClient>();
        services.AddScoped<ILogsClient, LogsClient>();
        services.AddScoped<IAuditClient, AuditClient>();
        services.AddSingleton<UploadedPriceSheets>();
        services.AddScoped<IModelsClient, ModelsClient>();
        return services;
    }

    /// <summary>
    /// Maps the portal's pages under <see cref="BasePath"/>, sign-out, the Blazor Server hub (<c>/_blazor</c>) and
    /// the static assets (<c>/_framework/…</c>, <c>/_content/…</c>). Adds the authentication, authorization and
    /// antiforgery middleware, so call it after <c>UseRouting</c> and do not add those again.
    /// </summary>
    public static WebApplication MapGatewayPortal(this WebApplication app)
    {
        ServeStaticWebAssetsFromBuildOutput(app);

        // Only the portal's requests read the cookie and check [Authorize]: the API's hot path pays nothing for them.
        app.UseWhen(IsPortalRequest, portal =>
        {
            portal.UseAuthentication();
            portal.UseAuthorization();
        });
        // WebApplication adds both to the front of every request's pipeline unless the app marks them as added, and a
        // branch's marks stay in the branch: without these two, every API call ran the cookie handler (3% of the
        // proxy's allocations in bench/gateway). They are added, for the requests that need them.
        var pipeline = (IApplicationBuilder)app;
        pipeline.Properties[AuthenticationAddedMark] = true;
        pipeline.Properties[AuthorizationAddedMark] = true;
        // Razor component endpoints refuse to run unless antiforgery ran between routing and endpoints.
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapPost(SignInPaths.SignOut, (Delegate)SignOutAsync);
        app.MapAuditDownload();
        app.MapUsageExport();
        app.MapRazorComponents<App>()
            .WithStaticAssets()
            .AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The properties <c>UseAuthentication</c> and <c>UseAuthorization</c> set, which WebApplication reads.</summary>
    const string AuthenticationAddedMark = "__AuthenticationMiddlewareSet";
    const string AuthorizationAddedMark = "__AuthorizationMiddlewareSet";

    static bool IsPortalRequest(HttpContext context) =>
        context.Request.Path.StartsWithSegments(BasePath) || context.Request.Path.StartsWithSegments("/_blazor");

    /// <summary>
    /// A form post from the app bar. The antiforgery token is checked here: the middleware only records whether it
    /// was valid, and an endpoint that binds no form field would otherwise never look (another site could sign people out).
    /// </summary>
    static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
            return Results.BadRequest();
        await context.SignOutAsync(PortalAuthentication.Scheme);
        return Results.LocalRedirect(SignInPaths.SignIn);
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
