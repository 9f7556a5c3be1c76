using Gateway.Domain.Spend;
using static Gateway.Domain.Tests.Spend.SpendExamples;

namespace Gateway.Domain.Tests.Spend;

public class SpendLogProjectionTests
{
    readonly SpendLogProjection _projection = new();

    [Fact]
    public void a_served_call_is_one_successful_row_with_its_cost_tokens_owners_and_times()
    {
        var e = Served();
        var log = new SpendLog();
        _projection.Apply(Recorded(e, 42), log);

        Assert.Equal(e.RequestId, log.Id);
        Assert.Equal(42, log.Sequence);
        Assert.Equal(CallTypes.ChatCompletion, log.CallType);
        Assert.Equal("hash-a", log.KeyHash);
        Assert.Equal(0.0021m, log.Spend);
        Assert.Equal((120, 30, 150), (log.PromptTokens, log.CompletionTokens, log.TotalTokens));
        Assert.Equal((40, 5, 8), (log.CachedTokens, log.CacheCreationTokens, log.ReasoningTokens));
        Assert.Equal(Started, log.StartTime);
        Assert.Equal(Started.AddMilliseconds(1500), log.EndTime);
        Assert.Equal(Started.AddMilliseconds(320), log.CompletionStartTime);
        Assert.Equal(("gpt-4o-2024-08-06", "azure-eu", "gpt-4o", "azure"), (log.Model, log.ModelId, log.ModelGroup, log.Provider));
        Assert.Equal("https://eu.example.test/openai", log.ApiBase);
        Assert.Equal(("alice", "team-1", "acme"), (log.UserId, log.TeamId, log.EndUser));
        Assert.True(log.Stream);
        Assert.Equal(SpendLog.Success, log.Status);
        Assert.Equal(200, log.HttpStatus);
        Assert.Null(log.ErrorType);
    }

    [Fact]
    public void a_charged_call_that_broke_or_lost_its_client_is_a_failure_row_that_keeps_its_cost()
    {
        var log = new SpendLog();
        _projection.Apply(Recorded(Served(cost: 0.0007m, status: 499), 3), log);

        Assert.Equal(SpendLog.Failure, log.Status);
        Assert.Equal(499, log.HttpStatus);
        Assert.Equal(0.0007m, log.Spend);
    }

    [Fact]
    public void a_failed_call_is_a_failure_row_with_its_error_and_no_upstream_model()
    {
        var e = Refused(deployment: null, group: "no-such-model");
        var log = new SpendLog();
        _projection.Apply(Recorded(e, 9), log);

        Assert.Equal(e.RequestId, log.Id);
        Assert.Equal(9, log.Sequence);
        Assert.Equal(SpendLog.Failure, log.Status);
        Assert.Equal(429, log.HttpStatus);
        Assert.Equal(("rate_limit_error", "Rate limit exceeded"), (log.ErrorType, log.ErrorMessage));
        Assert.Equal("", log.Model);
        Assert.Null(log.ModelId);
        Assert.Equal("no-such-model", log.ModelGroup);
        Assert.Equal(0m, log.Spend);
        Assert.Equal(("alice", "team-1", "acme"), (log.UserId, log.TeamId, log.EndUser));
    }
}
