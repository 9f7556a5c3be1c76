using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;

namespace Gateway.Domain.Audit;

/// <summary>
/// Folds the calls of an audit into rows, one event at a time, so memory grows with the number of rows (days × keys ×
/// models), never with the number of calls. Pure: the readers (<see cref="CostAudit"/>) feed it; tests feed it directly.
/// </summary>
public sealed class AuditLedger(Repricing? repricing = null)
{
    readonly Dictionary<RowKey, Sums> _rows = [];
    readonly List<string> _versions = [];
    readonly SortedSet<string> _modelsNotInSheet = new(StringComparer.Ordinal);
    long _keptRecordedPrices;
    long _notYetProjected;

    /// <summary>A served call: recorded as charged, recomputed from its tokens.</summary>
    public void Record(RequestCompleted call)
    {
        var row = Row(DailySpend.DayOf(call.StartedAt), call.KeyHash, call.TeamId, call.ModelGroup);
        row.Requests++;
        row.PromptTokens += call.PromptTokens;
        row.CompletionTokens += call.CompletionTokens;
        row.Recorded += call.Cost;
        row.Recomputed += CostCalculator.Compute(
            new TokenUsage(call.PromptTokens, call.CompletionTokens, call.CachedTokens, call.ReasoningTokens, call.CacheCreationTokens),
            PricesFor(call));
        if (!_versions.Contains(call.PriceSheetVersion))
            _versions.Add(call.PriceSheetVersion);
    }

    /// <summary>A failed call. It records no prices, so its charge (nothing, or what a broken stream produced) stands as is.</summary>
    public void Record(RequestFailed call)
    {
        var row = Row(DailySpend.DayOf(call.StartedAt), call.KeyHash, call.TeamId, call.ModelGroup);
        row.Requests++;
        row.PromptTokens += call.PromptTokens;
        row.CompletionTokens += call.CompletionTokens;
        row.Recorded += call.Cost;
        row.Recomputed += call.Cost;
        if (repricing is not null && call.Cost != 0)
            _keptRecordedPrices++;
    }

    /// <summary>A row of the daily spend projection.</summary>
    public void Projected(DailySpend day) => Row(day.Date, day.KeyHash, day.TeamId, day.ModelGroup).Projected += day.Spend;

    /// <summary>A call after the projection's mark: what the projection will add once the daemon reaches it.</summary>
    public void NotYetProjected(DateTimeOffset startedAt, string? keyHash, string? teamId, string? modelGroup, decimal cost)
    {
        Row(DailySpend.DayOf(startedAt), keyHash, teamId, modelGroup).Projected += cost;
        _notYetProjected++;
    }

    public AuditReport Report(AuditQuery query, Func<string, string?> keyAlias)
    {
        var rows = _rows
            .OrderBy(r => r.Key.Day).ThenBy(r => r.Key.Key, StringComparer.Ordinal)
            .ThenBy(r => r.Key.Team, StringComparer.Ordinal).ThenBy(r => r.Key.Model, StringComparer.Ordinal)
            .Select(r => new AuditRow(
                r.Key.Day, NullIfEmpty(r.Key.Key), r.Key.Key.Length == 0 ? null : keyAlias(r.Key.Key), r.Key.Team, r.Key.Model,
                r.Value.Requests, r.Value.PromptTokens, r.Value.CompletionTokens, r.Value.Recorded, r.Value.Recomputed, r.Value.Projected))
            .ToList();
        var totals = new AuditTotals(
            rows.Sum(r => r.Requests), rows.Sum(r => r.RecordedCost), rows.Sum(r => r.RecomputedCost), rows.Sum(r => r.ProjectedCost));
        return new AuditReport(query, totals, rows, _notYetProjected, _versions, repricing?.Sheet.Version,
            _keptRecordedPrices, [.. _modelsNotInSheet]);
    }

    ModelPrice PricesFor(RequestCompleted call)
    {
        if (repricing is null)
            return call.Prices;
        if (repricing.PriceOf(call) is { } price)
            return price;
        _keptRecordedPrices++;
        _modelsNotInSheet.Add(call.ModelGroup);
        return call.Prices;
    }

    // The projection writes "" for a missing key or model group and null for a missing team; so do the rows.
    Sums Row(DateOnly day, string? keyHash, string? teamId, string? modelGroup)
    {
        var key = new RowKey(day, keyHash ?? "", NullIfEmpty(teamId), modelGroup ?? "");
        if (!_rows.TryGetValue(key, out var sums))
            _rows[key] = sums = new Sums();
        return sums;
    }

    static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    readonly record struct RowKey(DateOnly Day, string Key, string? Team, string Model);

    sealed class Sums
    {
        public long Requests;
        public long PromptTokens;
        public long CompletionTokens;
        public decimal Recorded;
        public decimal Recomputed;
        public decimal Projected;
    }
}
