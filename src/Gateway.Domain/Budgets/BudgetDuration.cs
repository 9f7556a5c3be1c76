using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Domain.Budgets;

/// <summary>
/// A length of time in LiteLLM's notation: "30s", "30m", "30h", "1d", "7d", "1w", "1mo". Used for budget windows
/// (<c>budget_duration</c>), key lifetimes (<c>duration</c>) and grace periods. Months are calendar months, so
/// their length in seconds varies; that is why this is not a <see cref="TimeSpan"/>.
/// </summary>
public readonly partial record struct BudgetDuration
{
    public const string AcceptedForms =
        "a whole number followed by s, m, h, d, w or mo (for example \"30s\", \"30m\", \"1h\", \"1d\", \"7d\", \"1w\", \"1mo\")";

    // Long enough for any real budget or key lifetime, short enough that AddTo can never leave DateTimeOffset's range.
    const int MaxDays = 100 * 366;

    public int Amount { get; }
    public BudgetDurationUnit Unit { get; }

    public BudgetDuration(int amount, BudgetDurationUnit unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        if (ApproximateDays(amount, unit) > MaxDays)
            throw new ArgumentOutOfRangeException(nameof(amount), "A duration may be at most 100 years.");
        Amount = amount;
        Unit = unit;
    }

    /// <summary>The length when it does not depend on the calendar; null for months.</summary>
    public TimeSpan? FixedLength => Unit switch
    {
        BudgetDurationUnit.Second => TimeSpan.FromSeconds(Amount),
        BudgetDurationUnit.Minute => TimeSpan.FromMinutes(Amount),
        BudgetDurationUnit.Hour => TimeSpan.FromHours(Amount),
        BudgetDurationUnit.Day => TimeSpan.FromDays(Amount),
        BudgetDurationUnit.Week => TimeSpan.FromDays(7 * Amount),
        _ => null,
    };

    public DateTimeOffset AddTo(DateTimeOffset start) => AddTimes(start, 1);

    /// <summary>Adds the duration <paramref name="times"/> times in one step (months from the start, not chained).</summary>
    internal DateTimeOffset AddTimes(DateTimeOffset start, long times) =>
        FixedLength is { } length
            ? start.AddTicks(checked(length.Ticks * times))
            : start.AddMonths(checked((int)(Amount * times)));

    public static bool TryParse(string? text, out BudgetDuration duration, out string? error)
    {
        duration = default;
        var match = text is null ? Match.Empty : Notation().Match(text.Trim());
        if (!match.Success)
        {
            error = $"'{text}' is not a duration; use {AcceptedForms}.";
            return false;
        }

        var unit = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "s" => BudgetDurationUnit.Second,
            "m" => BudgetDurationUnit.Minute,
            "h" => BudgetDurationUnit.Hour,
            "d" => BudgetDurationUnit.Day,
            "w" => BudgetDurationUnit.Week,
            _ => BudgetDurationUnit.Month,
        };
        if (!int.TryParse(match.Groups["amount"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int amount)
            || amount < 1 || ApproximateDays(amount, unit) > MaxDays)
        {
            error = $"'{text}' is not a duration: the number must be at least 1 and the whole at most 100 years; use {AcceptedForms}.";
            return false;
        }

        duration = new BudgetDuration(amount, unit);
        error = null;
        return true;
    }

    public static BudgetDuration Parse(string text) =>
        TryParse(text, out var duration, out string? error) ? duration : throw new FormatException(error);

    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        BudgetDurationUnit.Second => "s",
        BudgetDurationUnit.Minute => "m",
        BudgetDurationUnit.Hour => "h",
        BudgetDurationUnit.Day => "d",
        BudgetDurationUnit.Week => "w",
        _ => "mo",
    };

    static double ApproximateDays(int amount, BudgetDurationUnit unit) => unit switch
    {
        BudgetDurationUnit.Second => amount / 86_400d,
        BudgetDurationUnit.Minute => amount / 1_440d,
        BudgetDurationUnit.Hour => amount / 24d,
        BudgetDurationUnit.Day => amount,
        BudgetDurationUnit.Week => amount * 7d,
        _ => amount * 31d,
    };

    [GeneratedRegex(@"^(?<amount>[0-9]+)(?<unit>mo|s|m|h|d|w)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Notation();
}
