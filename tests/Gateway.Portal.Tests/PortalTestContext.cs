using Bunit;
using Bunit.TestDoubles;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;
using Gateway.Portal.Features.Customers;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Features.Logs;
using Gateway.Portal.Features.Models;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Gateway.Portal.Tests;

/// <summary>
/// A bUnit context set up the way MudBlazor's own tests set theirs: MudBlazor's services with no
/// transition delays, JS interop that answers every call with a default, and an interactive
/// Blazor Server renderer (pages read <see cref="RendererInfo"/> to know whether clicks will work).
/// Nobody is signed in until a test calls <see cref="SignInAs"/>; the portal's clients are fakes.
/// </summary>
public abstract class PortalTestContext : BunitContext
{
    public static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    public static readonly SignedInUser LeadOfSearch = SignedInUser.TeamLead("lena", ["search"]);

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddSingleton<IPortalAccounts>(Accounts);
        Services.AddSingleton<IKeysClient>(Keys);
        Services.AddSingleton<ISpendClient>(Spend);
        Services.AddSingleton<IAuditClient>(Audit);
        Services.AddSingleton<ITeamsClient>(Teams);
        Services.AddSingleton<ICustomersClient>(Customers);
        Services.AddSingleton<ILogsClient>(Logs);
        Services.AddSingleton<IModelsClient>(Models);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(_ => new Gateway.Portal.Features.SignIn.SignInThrottle(SignInLimit, TimeProvider.System));
        Services.AddSingleton(new PortalOptions(new AdminCredentials("admin", "master-key-for-tests")));
        Authorization = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Failed sign-ins allowed per address and per username; set before the first render.</summary>
    protected Gateway.Domain.Limits.FailedAttemptLimit SignInLimit { get; set; } = Gateway.Domain.Limits.FailedAttemptLimit.Default;

    protected FakePortalAccounts Accounts { get; } = new();

    protected FakeKeysClient Keys { get; } = new();

    protected FakeSpendClient Spend { get; } = new();

    protected FakeAuditClient Audit { get; } = new();

    protected FakeTeamsClient Teams { get; } = new();

    protected FakeCustomersClient Customers { get; } = new();

    protected FakeLogsClient Logs { get; } = new();
    protected FakeModelsClient Models { get; } = new();

    /// <summary>A cookie naming <paramref name="user"/>, whom the store still knows with these rights.</summary>
    protected void SignInAs(SignedInUser user)
    {
        Authorization.SetAuthorized(user.Name);
        Accounts.Resolved = user;
    }

    /// <summary>As while the page is prerendered, before the circuit connects.</summary>
    protected void RenderAsPrerendered() => SetRendererInfo(new RendererInfo("Static", isInteractive: false));
}
