using System.Text.Json;
using Gateway.Domain.Budgets;

namespace Gateway.Domain.Keys;

/// <summary>
/// The checks <see cref="IssueKey"/> and <see cref="UpdateKey"/> share. Each returns the first problem or null, so
/// a decision chains them with <c>??</c>. Fields are named as in LiteLLM's JSON so the API can pass them through.
/// </summary>
static class KeyRules
{
    public static Rejection? NotNegative(decimal? value, string field) =>
        value < 0 ? Invalid(field, $"{field} must not be negative.") : null;

    public static Rejection? NotNegative(long? value, string field) =>
        value < 0 ? Invalid(field, $"{field} must not be negative.") : null;

    public static Rejection? SoftWithinMax(decimal? softBudget, decimal? maxBudget) =>
        softBudget is { } soft && maxBudget is { } max && soft > max
            ? Invalid("soft_budget", $"soft_budget ({soft}) must not exceed max_budget ({max}).")
            : null;

    public static Rejection? Duration(string? text, string field) =>
        text is null || BudgetDuration.TryParse(text, out _, out _)
            ? null
            : Invalid(field, $"{field} '{text}' is not a duration; use {BudgetDuration.AcceptedForms}.");

    public static Rejection? Alias(string? alias) =>
        alias is not null && string.IsNullOrWhiteSpace(alias) ? Invalid("key_alias", "key_alias must not be empty.") : Name(alias, "key_alias");

    /// <summary>Any name the gateway stores (<see cref="StorableText"/>); null is no name.</summary>
    public static Rejection? Name(string? name, string field) =>
        StorableText.NameProblem(name) is { } problem ? Invalid(field, $"{field} {problem}.") : null;

    public static Rejection? Names(IReadOnlyList<string>? names, string field)
    {
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(names![i]))
                return Invalid(field, $"{field} must not contain empty names.");
            if (Name(names[i], $"{field}[{i}]") is { } refusal)
                return refusal;
        }
        return null;
    }

    /// <summary>Model aliases: each alias and the model it stands for are names.</summary>
    public static Rejection? Aliases(IReadOnlyDictionary<string, string>? aliases)
    {
        foreach (var (alias, model) in aliases ?? new Dictionary<string, string>())
            if ((Name(alias, "aliases") ?? Name(model, $"aliases.{alias}")) is { } refusal)
                return refusal;
        return null;
    }

    public static Rejection? ModelLimits(IReadOnlyDictionary<string, long>? limits, string field)
    {
        foreach (var (model, limit) in limits ?? new Dictionary<string, long>())
        {
            if (string.IsNullOrWhiteSpace(model))
                return Invalid(field, $"{field} must not contain an empty model name.");
            if (Name(model, field) is { } refusal)
                return refusal;
            if (limit < 0)
                return Invalid(field, $"{field} for '{model}' must not be negative.");
        }
        return null;
    }

    public static Rejection? ModelBudgets(IReadOnlyDictionary<string, ModelBudget>? budgets)
    {
        const string field = "model_max_budget";
        foreach (var (model, budget) in budgets ?? new Dictionary<string, ModelBudget>())
        {
            if (string.IsNullOrWhiteSpace(model))
                return Invalid(field, $"{field} must not contain an empty model name.");
            if (Name(model, field) is { } refusal)
                return refusal;
            if (budget is null)
                return Invalid(field, $"{field} for '{model}' needs a budget_limit.");
            if (budget.BudgetLimit < 0)
                return Invalid(field, $"{field} budget_limit for '{model}' must not be negative.");
            if (budget.TimePeriod is { } period && !BudgetDuration.TryParse(period, out _, out _))
                return Invalid(field, $"{field} time_period '{period}' for '{model}' is not a duration; use {BudgetDuration.AcceptedForms}.");
        }
        return null;
    }

    public static Rejection? KeyHash(string hash, string field) =>
        KeyPlaintext.IsHash(hash) ? null : Invalid(field, "The key must be given as its SHA-256, in lowercase hex.");

    /// <summary>Durations are stored in canonical text, so " 1MO " and "1mo" are the same setting.</summary>
    public static string? Canonical(string? duration) =>
        duration is null ? null : BudgetDuration.Parse(duration).ToString();

    public static IReadOnlyDictionary<string, ModelBudget> Canonical(IReadOnlyDictionary<string, ModelBudget>? budgets) =>
        (budgets ?? new Dictionary<string, ModelBudget>())
            .ToDictionary(entry => entry.Key, entry => entry.Value with { TimePeriod = Canonical(entry.Value.TimePeriod) });

    public static DateTimeOffset? ExpiryFrom(string? duration, DateTimeOffset now) =>
        duration is null ? null : BudgetDuration.Parse(duration).AddTo(now);

    public static bool SameList(IReadOnlyList<string> a, IReadOnlyList<string> b) => a.SequenceEqual(b);

    public static bool SameMap<TValue>(IReadOnlyDictionary<string, TValue> a, IReadOnlyDictionary<string, TValue> b) =>
        SameMap(a, b, EqualityComparer<TValue>.Default.Equals);

    public static bool SameMetadata(IReadOnlyDictionary<string, JsonElement> a, IReadOnlyDictionary<string, JsonElement> b) =>
        SameMap(a, b, JsonElement.DeepEquals);

    static bool SameMap<TValue>(IReadOnlyDictionary<string, TValue> a, IReadOnlyDictionary<string, TValue> b, Func<TValue, TValue, bool> same) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && same(entry.Value, other));

    public static Decision ToDecision(this Rejection rejection) =>
        Decision.Reject(rejection.Kind, rejection.Message, rejection.Field);

    public static Decision KeyNotFound(Guid keyId) =>
        Decision.Reject(RejectionKind.NotFound, $"Key {keyId} not found.", "key");

    static Rejection Invalid(string field, string message) => new(RejectionKind.Invalid, message, field);
}
