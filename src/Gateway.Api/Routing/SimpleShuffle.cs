namespace Gateway.Api.Routing;

/// <summary>
/// LiteLLM's default: a random pick weighted by <c>weight</c> (unset counts as 1); when no deployment sets a weight,
/// by <c>rpm</c> if every one has it, else by <c>tpm</c> if every one has it, else evenly.
/// </summary>
public sealed class SimpleShuffle : RoutingStrategy
{
    public static SimpleShuffle Instance { get; } = new();

    public override string Name => "simple-shuffle";

    public override Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context)
    {
        if (candidates.Length == 1)
            return candidates[0];

        var by = WeighBy(candidates);
        var total = 0d;
        foreach (var deployment in candidates)
            total += Weight(deployment, by);
        if (total <= 0)
            return candidates[context.Random.Next(candidates.Length)];

        var ticket = context.Random.NextDouble() * total;
        foreach (var deployment in candidates)
        {
            ticket -= Weight(deployment, by);
            if (ticket < 0)
                return deployment;
        }
        return candidates[^1];
    }

    enum Basis { Even, Weight, Rpm, Tpm }

    static Basis WeighBy(ReadOnlySpan<Deployment> candidates)
    {
        bool anyWeight = false, allRpm = true, allTpm = true;
        foreach (var deployment in candidates)
        {
            anyWeight |= deployment.HasWeight;
            allRpm &= deployment.Rpm is > 0;
            allTpm &= deployment.Tpm is > 0;
        }
        return anyWeight ? Basis.Weight : allRpm ? Basis.Rpm : allTpm ? Basis.Tpm : Basis.Even;
    }

    static double Weight(Deployment deployment, Basis by) => by switch
    {
        Basis.Weight => Math.Max(0, deployment.Weight),
        Basis.Rpm => deployment.Rpm ?? 0,
        Basis.Tpm => deployment.Tpm ?? 0,
        _ => 1,
    };
}
