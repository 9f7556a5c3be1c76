namespace Gateway.Domain.Tests.Teams;

/// <summary>Reads a decision in a test: the one event it should have produced, or the refusal it should be.</summary>
internal static class DecisionAssert
{
    public static T SingleEvent<T>(Decision decision)
    {
        Assert.Null(decision.Rejection);
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    public static void NoEvents(Decision decision)
    {
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        Assert.Empty(decision.Events);
    }

    public static void Refused(Decision decision, RejectionKind kind, string field)
    {
        Assert.False(decision.IsAccepted);
        Assert.Empty(decision.Events);
        Assert.Equal(kind, decision.Rejection!.Kind);
        Assert.Equal(field, decision.Rejection.Field);
        Assert.False(string.IsNullOrWhiteSpace(decision.Rejection.Message));
    }
}
