using Gateway.Domain.Spend;
using static Gateway.Domain.Tests.Spend.SpendExamples;

namespace Gateway.Domain.Tests.Spend;

public class SpendTotalsTests
{
    [Fact]
    public void team_user_and_customer_totals_add_every_call_and_split_spend_per_model_group()
    {
        var team = new TeamSpend();
        var projection = new TeamSpendProjection();
        projection.Apply(Served(cost: 1.5m), team);
        projection.Apply(Served(cost: 0.25m, group: "claude"), team);
        projection.Apply(Refused(cost: 0.125m), team);
        projection.Apply(Refused(), team);

        Assert.Equal(1.875m, team.Spend);
        Assert.Equal(4, team.Requests);
        Assert.Equal(120 + 120 + 12, team.PromptTokens);
        Assert.Equal(30 + 30 + 3, team.CompletionTokens);
        Assert.Equal(new Dictionary<string, decimal> { ["gpt-4o"] = 1.625m, ["claude"] = 0.25m }, team.ModelSpend);
        Assert.Equal(Started.AddMilliseconds(80), team.LastRequestAt);

        var user = new UserSpend();
        new UserSpendProjection().Apply(Served(cost: 2m), user);
        var customer = new CustomerSpend();
        new CustomerSpendProjection().Apply(Served(cost: 3m), customer);
        Assert.Equal((2m, 3m), (user.Spend, customer.Spend));
    }

    [Fact]
    public void model_totals_split_spend_per_upstream_model_and_leave_out_calls_refused_before_routing()
    {
        var model = new ModelSpend();
        var projection = new ModelSpendProjection();
        projection.Apply(Served(cost: 0.5m), model);
        projection.Apply(Refused(cost: 0.25m), model);

        Assert.Equal(0.75m, model.Spend);
        Assert.Equal(new Dictionary<string, decimal> { ["gpt-4o-2024-08-06"] = 0.5m }, model.ModelSpend);
        Assert.Equal("gpt-4o", ModelSpendProjection.GroupOf(Refused()));
        Assert.Null(ModelSpendProjection.GroupOf(Refused(deployment: null, group: "typed-by-the-client")));
    }
}
