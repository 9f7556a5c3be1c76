using System.Globalization;
using System.Text;
using Marten.Schema;

namespace Gateway.Domain.Spend;

/// <summary>
/// What was spent on one UTC day by one combination of key, model, provider, team, user and customer: the rollup
/// behind <c>/user/daily/activity</c> and <c>/global/spend/report</c> (LiteLLM's <c>LiteLLM_DailyUserSpend</c>),
/// so a report reads a few rows per day instead of every request.
/// </summary>
public sealed class DailySpend
{
    /// <summary>The day and every dimension, see <see cref="IdFor"/>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The UTC day the calls started on.</summary>
    public DateOnly Date { get; set; }

    public string KeyHash { get; set; } = "";
    public string ModelGroup { get; set; } = "";

    /// <summary>The upstream model; empty for calls that failed before a deployment was chosen.</summary>
    public string Model { get; set; } = "";

    public string Provider { get; set; } = "";
    public string? TeamId { get; set; }
    public string? UserId { get; set; }
    public string? EndUser { get; set; }

    public decimal Spend { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public long CachedTokens { get; set; }
    public long CacheCreationTokens { get; set; }
    public long ReasoningTokens { get; set; }
    public long TotalTokens => PromptTokens + CompletionTokens;
    public long ApiRequests { get; set; }
    public long SuccessfulRequests { get; set; }
    public long FailedRequests { get; set; }
    public double TotalLatencyMs { get; set; }

    /// <summary>
    /// One id per combination. Parts are escaped so that an id containing the separator cannot collide with another
    /// combination; null and empty are the same (LiteLLM ids are never empty).
    /// </summary>
    public static string IdFor(DateOnly date, string? keyHash, string? modelGroup, string? model, string? provider,
        string? teamId, string? userId, string? endUser)
    {
        var id = new StringBuilder(160).Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var part in (ReadOnlySpan<string?>)[keyHash, modelGroup, model, provider, teamId, userId, endUser])
        {
            id.Append('|');
            foreach (var c in part ?? "")
            {
                if (c is '|' or '\\')
                    id.Append('\\');
                id.Append(c);
            }
        }
        return id.ToString();
    }

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>
    /// Reports read a range of days, <c>/user/daily/activity</c> often for one user (LiteLLM indexes its daily table
    /// the same way). Marten calls this when it maps the type.
    /// </summary>
    public static void ConfigureMarten(DocumentMapping mapping)
    {
        var days = (DocumentMapping<DailySpend>)mapping;
        days.Duplicate(d => d.Date);
        days.Duplicate(d => d.UserId);
        var user = SpendLog.Column(mapping, nameof(UserId));
        foreach (var single in mapping.Indexes.OfType<DocumentIndex>().Where(i => i.Columns.SequenceEqual([user])).ToList())
            mapping.Indexes.Remove(single);
        mapping.Indexes.Add(new DocumentIndex(mapping, user, SpendLog.Column(mapping, nameof(Date))));
    }

    /// <summary>The row a served call counts in.</summary>
    public static string IdOf(RequestCompleted e) =>
        IdFor(DayOf(e.StartedAt), e.KeyHash, e.ModelGroup, e.Model, e.Provider, e.TeamId, e.UserId, e.CustomerId);

    /// <summary>The row a failed call counts in; it has no upstream model.</summary>
    public static string IdOf(RequestFailed e) =>
        IdFor(DayOf(e.StartedAt), e.KeyHash, e.ModelGroup, null, e.Provider, e.TeamId, e.UserId, e.CustomerId);
}

/// <summary>
/// Rolls every recorded call up by day and dimensions (the row is <see cref="DailySpend.IdOf(RequestCompleted)"/>): one
/// rule of <see cref="SpendProjection"/>. Async, for the exactness DESIGN.md explains.
/// </summary>
public sealed class DailySpendProjection
{
    public void Apply(RequestCompleted e, DailySpend day)
    {
        Describe(day, e.StartedAt, e.KeyHash, e.ModelGroup, e.Model, e.Provider, e.TeamId, e.UserId, e.CustomerId);
        day.Spend += e.Cost;
        day.PromptTokens += e.PromptTokens;
        day.CompletionTokens += e.CompletionTokens;
        day.CachedTokens += e.CachedTokens;
        day.CacheCreationTokens += e.CacheCreationTokens;
        day.ReasoningTokens += e.ReasoningTokens;
        day.ApiRequests++;
        if (e.Status < 400)
            day.SuccessfulRequests++;
        else
            day.FailedRequests++;
        day.TotalLatencyMs += e.LatencyMs;
    }

    public void Apply(RequestFailed e, DailySpend day)
    {
        Describe(day, e.StartedAt, e.KeyHash, e.ModelGroup, null, e.Provider, e.TeamId, e.UserId, e.CustomerId);
        day.Spend += e.Cost;
        day.PromptTokens += e.PromptTokens;
        day.CompletionTokens += e.CompletionTokens;
        day.ApiRequests++;
        day.FailedRequests++;
        day.TotalLatencyMs += e.LatencyMs;
    }

    static void Describe(DailySpend day, DateTimeOffset startedAt, string? keyHash, string? modelGroup, string? model,
        string? provider, string? teamId, string? userId, string? endUser)
    {
        day.Date = DailySpend.DayOf(startedAt);
        day.KeyHash = keyHash ?? "";
        day.ModelGroup = modelGroup ?? "";
        day.Model = model ?? "";
        day.Provider = provider ?? "";
        day.TeamId = teamId;
        day.UserId = userId;
        day.EndUser = endUser;
    }
}
