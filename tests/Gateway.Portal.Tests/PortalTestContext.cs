using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace Gateway.Portal.Tests;

/// <summary>
/// A bUnit context set up the way MudBlazor's own tests set theirs: MudBlazor's services with no
/// transition delays, JS interop that answers every call with a default, and an interactive
/// Blazor Server renderer (pages read <see cref="RendererInfo"/> to know whether clicks will work).
/// </summary>
public abstract class PortalTestContext : BunitContext
{
    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>As while the page is prerendered, before the circuit connects.</summary>
    protected void RenderAsPrerendered() => SetRendererInfo(new RendererInfo("Static", isInteractive: false));
}
