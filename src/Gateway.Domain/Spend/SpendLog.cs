using System.Linq.Expressions;
using JasperFx.Events;
using Marten.Schema;

namespace Gateway.Domain.Spend;

/// <summary>
/// One row of the request log behind <c>/spend/logs</c> (LiteLLM's <c>LiteLLM_SpendLogs</c>): what a call cost,
/// who made it and where it went. The id is the request id, the <c>x-litellm-call-id</c> the caller saw.
/// </summary>
public sealed class SpendLog
{
    public const string Success = "success";
    public const string Failure = "failure";

    public Guid Id { get; set; }
    public string CallType { get; set; } = "";

    /// <summary>The SHA-256 of the key that made the call (LiteLLM's <c>api_key</c>).</summary>
    public string KeyHash { get; set; } = "";

    public decimal Spend { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int CachedTokens { get; set; }
    public int CacheCreationTokens { get; set; }
    public int ReasoningTokens { get; set; }
    public int TotalTokens => PromptTokens + CompletionTokens;

    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset EndTime { get; set; }

    /// <summary>When the first streamed token arrived; null for calls that did not stream.</summary>
    public DateTimeOffset? CompletionStartTime { get; set; }

    public double LatencyMs { get; set; }

    /// <summary>The upstream model name (LiteLLM's <c>model</c>); empty when the call failed before routing.</summary>
    public string Model { get; set; } = "";

    /// <summary>The deployment (LiteLLM's <c>model_id</c>).</summary>
    public string? ModelId { get; set; }

    /// <summary>The model name the caller asked for (LiteLLM's <c>model_group</c>).</summary>
    public string? ModelGroup { get; set; }

    /// <summary>LiteLLM's <c>custom_llm_provider</c>.</summary>
    public string? Provider { get; set; }

    public string? ApiBase { get; set; }

    /// <summary>The key's user_id (LiteLLM's <c>user</c>).</summary>
    public string? UserId { get; set; }

    public string? TeamId { get; set; }

    /// <summary>The customer named by the request's <c>user</c> field (LiteLLM's <c>end_user</c>).</summary>
    public string? EndUser { get; set; }

    public bool Stream { get; set; }

    /// <summary><see cref="Success"/> or <see cref="Failure"/>.</summary>
    public string Status { get; set; } = Success;

    /// <summary>The HTTP status the caller got (499 when the client went away).</summary>
    public int HttpStatus { get; set; }

    public string? ErrorType { get; set; }
    public string? ErrorMessage { get; set; }

    /// <summary>
    /// The sequence number of the event this row was built from. <see cref="SpendSince"/> counts rows up to the
    /// daemon's mark and reads the events after it, so a sum is exact however far behind the projection is.
    /// </summary>
    public long Sequence { get; set; }

    /// <summary>
    /// The table's filter columns and indexes. Marten calls this when it maps the type (its convention for what the
    /// registry cannot express): each owner is a real column indexed together with the start time, so "this key's calls
    /// since T" (<see cref="SpendSince"/>, <c>/spend/logs</c> newest first) is one index range scan.
    /// </summary>
    public static void ConfigureMarten(DocumentMapping mapping)
    {
        var log = (DocumentMapping<SpendLog>)mapping;
        Expression<Func<SpendLog, object?>>[] owners = [l => l.KeyHash, l => l.UserId, l => l.TeamId, l => l.EndUser, l => l.ModelGroup];
        log.Duplicate(l => l.StartTime);
        foreach (var owner in owners)
            log.Duplicate(owner);

        var start = Column(mapping, nameof(StartTime));
        foreach (var owner in (ReadOnlySpan<string>)[nameof(KeyHash), nameof(UserId), nameof(TeamId), nameof(EndUser), nameof(ModelGroup)])
        {
            // Duplicate indexes the owner alone; (owner, start_time) serves every query that one would.
            var column = Column(mapping, owner);
            foreach (var single in mapping.Indexes.OfType<DocumentIndex>().Where(i => i.Columns.SequenceEqual([column])).ToList())
                mapping.Indexes.Remove(single);
            // A call without a team, user or customer adds nothing to that owner's index ("owner = ?" implies not null).
            mapping.Indexes.Add(new DocumentIndex(mapping, column, start) { Predicate = owner == nameof(KeyHash) ? null : $"{column} is not null" });
        }
    }

    internal static string Column(DocumentMapping mapping, string member) =>
        mapping.DuplicatedFields.Single(f => f.Members[^1].Name == member).ColumnName;
}

/// <summary>
/// Builds a <see cref="SpendLog"/> per request from its <see cref="RequestCompleted"/> or <see cref="RequestFailed"/>:
/// one rule of <see cref="SpendProjection"/>. Keyed by the request id the event carries, not by the stream, so the row
/// is the same whichever stream the writer put the event on.
/// </summary>
public sealed class SpendLogProjection
{
    public void Apply(IEvent<RequestCompleted> recorded, SpendLog log)
    {
        var e = recorded.Data;
        log.Sequence = recorded.Sequence;
        log.Id = e.RequestId;
        log.CallType = e.CallType;
        log.KeyHash = e.KeyHash ?? "";
        log.Spend = e.Cost;
        log.PromptTokens = e.PromptTokens;
        log.CompletionTokens = e.CompletionTokens;
        log.CachedTokens = e.CachedTokens;
        log.CacheCreationTokens = e.CacheCreationTokens;
        log.ReasoningTokens = e.ReasoningTokens;
        log.StartTime = e.StartedAt;
        log.EndTime = e.At;
        log.CompletionStartTime = e.TimeToFirstTokenMs is { } ttft ? e.StartedAt.AddMilliseconds(ttft) : null;
        log.LatencyMs = e.LatencyMs;
        log.Model = e.Model;
        log.ModelId = e.DeploymentId;
        log.ModelGroup = e.ModelGroup;
        log.Provider = e.Provider;
        log.ApiBase = e.ApiBase;
        log.UserId = e.UserId;
        log.TeamId = e.TeamId;
        log.EndUser = e.CustomerId;
        log.Stream = e.Stream;
        log.HttpStatus = e.Status;
        // A stream that broke part way or a client that left is charged (so it is a RequestCompleted) but did not succeed.
        log.Status = e.Status < 400 ? SpendLog.Success : SpendLog.Failure;
        log.ErrorType = null;
        log.ErrorMessage = null;
    }

    public void Apply(IEvent<RequestFailed> recorded, SpendLog log)
    {
        var e = recorded.Data;
        log.Sequence = recorded.Sequence;
        log.Id = e.RequestId;
        log.CallType = e.CallType;
        log.KeyHash = e.KeyHash ?? "";
        log.Spend = e.Cost;
        log.PromptTokens = e.PromptTokens;
        log.CompletionTokens = e.CompletionTokens;
        log.StartTime = e.StartedAt;
        log.EndTime = e.At;
        log.LatencyMs = e.LatencyMs;
        log.ModelId = e.DeploymentId;
        log.ModelGroup = e.ModelGroup;
        log.Provider = e.Provider;
        log.UserId = e.UserId;
        log.TeamId = e.TeamId;
        log.EndUser = e.CustomerId;
        log.Stream = e.Stream;
        log.HttpStatus = e.Status;
        log.Status = SpendLog.Failure;
        log.ErrorType = e.ErrorType;
        log.ErrorMessage = e.ErrorMessage;
    }
}
