namespace Gateway.Portal.Features;

/// <summary>What the portal makes of text a person typed or a link carried.</summary>
public static class FormText
{
    /// <summary>Blank text is no value: a cleared field in a form is a cleared setting, a blank filter no filter.</summary>
    public static string? OrNone(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
