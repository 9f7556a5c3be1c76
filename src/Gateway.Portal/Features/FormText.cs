namespace Gateway.Portal.Features;

/// <summary>What the portal makes of text a person typed or a link carried.</summary>
public static class FormText
{
    /// <summary>Blank text is no value: a cleared field in a form is a cleared setting, a blank filter no filter.</summary>
    public static string? OrNone(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// A search or filter that no stored value can match: text the store cannot hold (NUL, a lone surrogate), which
    /// PostgreSQL would also refuse as a query parameter. The list answers with nothing instead of failing.
    /// </summary>
    public static bool MatchesNothingStored(params string?[] filters) =>
        filters.Any(filter => Gateway.Domain.StorableText.TextProblem(filter) is not null);
}
