using System.Text.RegularExpressions;

namespace Gateway.Domain.Teams;

/// <summary>
/// The field checks shared by teams, users and customers. Each returns the refusal for the first broken rule,
/// or null, so a decision reads as a list of checks. Field names are LiteLLM's JSON names, which the API echoes.
/// </summary>
internal static partial class FieldRules
{
    public const int MaxIdLength = 256;
    public const int MaxAliasLength = 256;

    /// <summary>The first refusal among checks already evaluated, in the order given.</summary>
    public static Decision? First(params Decision?[] checks) => checks.FirstOrDefault(c => c is not null);

    public static Decision? Id(string? id, string field)
    {
        if (string.IsNullOrWhiteSpace(id))
            return Decision.Invalid(field, $"{field} must not be empty.");
        if (id.Length > MaxIdLength)
            return Decision.Invalid(field, $"{field} must be at most {MaxIdLength} characters.");
        if (id.Any(char.IsControl) || id.Trim().Length != id.Length)
            return Decision.Invalid(field, $"{field} must not contain control characters or surrounding spaces.");
        return Name(id, field);
    }

    /// <summary>An alias is optional; when given it must be readable text, since the portal lists by it.</summary>
    public static Decision? Alias(string? alias, string field)
    {
        if (alias is null)
            return null;
        if (string.IsNullOrWhiteSpace(alias))
            return Decision.Invalid(field, $"{field} must not be blank; leave it out instead.");
        if (alias.Length > MaxAliasLength)
            return Decision.Invalid(field, $"{field} must be at most {MaxAliasLength} characters.");
        if (alias.Any(char.IsControl))
            return Decision.Invalid(field, $"{field} must not contain control characters.");
        return Name(alias, field);
    }

    /// <summary>Any name the gateway stores (<see cref="StorableText"/>); null is no name.</summary>
    public static Decision? Name(string? name, string field) =>
        StorableText.NameProblem(name) is { } problem ? Decision.Invalid(field, $"{field} {problem}.") : null;

    public static Decision? NotNegative(decimal? value, string field) =>
        value < 0 ? Decision.Invalid(field, $"{field} must not be negative.") : null;

    public static Decision? NotNegative(long? value, string field) =>
        value < 0 ? Decision.Invalid(field, $"{field} must not be negative.") : null;

    /// <summary>
    /// LiteLLM's budget_duration ("30s", "30m", "1h", "7d", "1w", "1mo"), checked by the shared parser in Budgets/,
    /// which owns the meaning of the units (case-insensitive, surrounding whitespace ignored).
    /// </summary>
    public static Decision? BudgetDuration(string? duration, string field = "budget_duration") =>
        duration is null || Budgets.BudgetDuration.TryParse(duration, out _, out var error)
            ? null
            : Decision.Invalid(field, $"{field}: {error}");

    public static Decision? SoftNotAboveMax(decimal? soft, decimal? max) =>
        soft is { } s && max is { } m && s > m
            ? Decision.Invalid("soft_budget", "soft_budget must not be above max_budget.")
            : null;

    public static Decision? Models(IReadOnlyList<string>? models, string field = "models")
    {
        if (models is null)
            return null;
        for (var i = 0; i < models.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(models[i]))
                return Decision.Invalid($"{field}[{i}]", $"{field} must not contain empty names.");
            if (Name(models[i], $"{field}[{i}]") is { } refusal)
                return refusal;
        }
        return null;
    }
}
