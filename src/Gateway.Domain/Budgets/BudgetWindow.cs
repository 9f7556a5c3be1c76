namespace Gateway.Domain.Budgets;

/// <summary>
/// One period of a recurring budget, [Start, End). Windows are laid end to end from an anchor (when the budget
/// was set), so a key issued on Jan 31 with "1mo" resets on Feb 28/29, Mar 31, Apr 30… rather than drifting to
/// the 28th forever, as chaining month by month would.
/// </summary>
public readonly record struct BudgetWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;

    /// <summary>
    /// The window that contains <paramref name="now"/>, counted from <paramref name="anchor"/>. Computed directly,
    /// so "30s" a year later costs the same as "30s" a minute later. Before the anchor (clock skew), the windows
    /// extend backwards the same way.
    /// </summary>
    public static BudgetWindow Current(DateTimeOffset anchor, BudgetDuration duration, DateTimeOffset now)
    {
        long index = duration.FixedLength is { } length
            ? FloorDivide((now - anchor).Ticks, length.Ticks)
            : EstimateMonthIndex(anchor, duration.Amount, now);

        // Month lengths vary, so the estimate can be one off either way; fixed lengths are exact and never loop.
        while (duration.AddTimes(anchor, index) > now)
            index--;
        while (duration.AddTimes(anchor, index + 1) <= now)
            index++;

        return new BudgetWindow(duration.AddTimes(anchor, index), duration.AddTimes(anchor, index + 1));
    }

    /// <summary>
    /// The window of a <c>budget_duration</c> as written ("30d", "1mo") that contains <paramref name="now"/>, counted
    /// from <paramref name="anchor"/>; null when there is no duration (the budget never resets) or it cannot be read.
    /// </summary>
    public static BudgetWindow? Of(string? budgetDuration, DateTimeOffset anchor, DateTimeOffset now) =>
        BudgetDuration.TryParse(budgetDuration, out var duration, out _) ? Current(anchor, duration, now) : null;

    /// <summary>Whether the window that began at <paramref name="lastStart"/> has ended by <paramref name="now"/>.</summary>
    public static bool IsReset(DateTimeOffset lastStart, BudgetDuration duration, DateTimeOffset now) =>
        now >= duration.AddTo(lastStart);

    static long EstimateMonthIndex(DateTimeOffset anchor, int monthsPerWindow, DateTimeOffset now)
    {
        var local = now.ToOffset(anchor.Offset);
        long months = (local.Year - anchor.Year) * 12L + (local.Month - anchor.Month);
        return FloorDivide(months, monthsPerWindow);
    }

    static long FloorDivide(long dividend, long divisor) =>
        dividend / divisor - ((dividend % divisor != 0 && (dividend < 0) != (divisor < 0)) ? 1 : 0);
}
