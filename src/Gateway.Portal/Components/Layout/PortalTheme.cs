using MudBlazor;

namespace Gateway.Portal.Components.Layout;

/// <summary>The portal's MudBlazor theme.</summary>
public static class PortalTheme
{
    // MudBlazor defaults to Roboto, which would mean Google Fonts; the gateway often runs offline,
    // so every text style uses the platform's own UI font instead.
    private static readonly string[] SystemFonts =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Create()
    {
        var theme = new MudTheme();
        var typography = theme.Typography;
        BaseTypography[] styles =
        [
            typography.Default, typography.H1, typography.H2, typography.H3, typography.H4, typography.H5,
            typography.H6, typography.Subtitle1, typography.Subtitle2, typography.Body1, typography.Body2,
            typography.Button, typography.Caption, typography.Overline,
        ];
        foreach (var style in styles)
        {
            style.FontFamily = SystemFonts;
        }
        return theme;
    }
}
