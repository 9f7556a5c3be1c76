using System.Globalization;
using Gateway.Api.Access;
using Gateway.Api.Config;
using Gateway.Api.Proxy;
using Gateway.Domain.Budgets;
using Gateway.Domain.Customers;

namespace Gateway.Api.Limits;

/// <summary>
/// The proxy-wide budget (<c>litellm_settings.max_budget</c> per <c>budget_duration</c>) and the budget every end user
/// gets when they have none of their own (<c>litellm_settings.max_end_user_budget</c>). Proxy windows are counted from
/// the Unix epoch, so they fall on the same instants on every node and after every restart ("1mo" = calendar months).
/// </summary>
public sealed record ProxyBudget(decimal? MaxBudget, string? BudgetDuration, decimal? DefaultCustomerBudget)
{
    public static ProxyBudget From(LitellmSettings settings) => new(
        settings.MaxBudget,
        settings.BudgetDuration,
        settings.Extra.TryGetValue("max_end_user_budget", out var value) ? ToDecimal(value) : null);

    public BudgetWindow? CurrentWindow(DateTimeOffset now) => BudgetWindow.Of(BudgetDuration, DateTimeOffset.UnixEpoch, now);

    static decimal? ToDecimal(object? value) => value switch
    {
        long l => l,
        double d => (decimal)d,
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}

/// <summary>
/// Everything that limits one call, in the order it is checked: who may use the model, then the rate limits and the
/// budgets of the key, the key on this model, its team, the user within the team, its user, the end user named in
/// the request's <c>user</c>, and the whole proxy. Read from memory only.
/// </summary>
public sealed class CallLimits(Roster roster, ProxyBudget proxy)
{

    /// <summary>The end user a call is for, when the request names one: known to the roster, or just an id.</summary>
    public Customer? Customer(string? customerId) => roster.Customer(customerId);

    /// <summary>Refuses a call the caller may not make (a model outside the key's or team's list, a blocked end user).</summary>
    public Errors.ApiError? Authorise(Caller caller, string modelGroup, string requestedModel, Customer? customer)
    {
        switch (caller.Access(modelGroup))
        {
            case ModelAccess.DeniedByKey:
                return Errors.ApiError.KeyModelAccessDenied(requestedModel, caller.Key!.Models);
            case ModelAccess.DeniedByTeam:
                return Errors.ApiError.TeamModelAccessDenied(requestedModel, caller.Team!.TeamId, caller.Team.Models);
        }
        if (customer is { Blocked: true })
            return Errors.ApiError.BlockedCustomer(customer.CustomerId);
        return null;
    }

    /// <summary>
    /// Every budget that applies to the call. The key is always tracked (its spend is on every response), the others
    /// when they have a maximum or a soft budget.
    /// </summary>
    public List<BudgetLimit> Budgets(Caller caller, string modelGroup, string? customerId, Customer? customer, DateTimeOffset now)
    {
        var limits = new List<BudgetLimit>(4);
        if (caller.Key is { } key)
        {
            limits.Add(new BudgetLimit(BudgetScope.ForKey(key.Id), key.MaxBudget, key.CurrentBudgetWindow(now), key.SoftBudget));
            if (key.ModelMaxBudget.TryGetValue(modelGroup, out var modelBudget))
            {
                limits.Add(new BudgetLimit(BudgetScope.ForKeyModel(key.Id, modelGroup), modelBudget.BudgetLimit,
                    BudgetWindow.Of(modelBudget.TimePeriod, key.BudgetWindowAnchor, now)));
            }
        }
        if (caller.Team is { } team)
        {
            if (team.MaxBudget is not null || team.SoftBudget is not null)
                limits.Add(new BudgetLimit(BudgetScope.ForTeam(team.TeamId), team.MaxBudget, team.CurrentBudgetWindow(now), team.SoftBudget));
            if (caller.UserId is { } userId && team.Member(userId) is { MaxBudgetInTeam: { } memberBudget })
                limits.Add(new BudgetLimit(BudgetScope.ForTeamMember(team.TeamId, userId), memberBudget, team.CurrentBudgetWindow(now)));
        }
        if (caller.User is { MaxBudget: { } userBudget } user)
            limits.Add(new BudgetLimit(BudgetScope.ForUser(user.UserId), userBudget, user.CurrentBudgetWindow(now)));
        if (customer is { MaxBudget: { } customerBudget })
            limits.Add(new BudgetLimit(BudgetScope.ForCustomer(customer.CustomerId), customerBudget, customer.CurrentBudgetWindow(now)));
        else if (customerId is not null && customer is null && proxy.DefaultCustomerBudget is { } defaultBudget)
            limits.Add(new BudgetLimit(BudgetScope.ForCustomer(customerId), defaultBudget));
        if (proxy.MaxBudget is { } proxyBudget)
            limits.Add(new BudgetLimit(BudgetScope.WholeProxy, proxyBudget, proxy.CurrentWindow(now)));
        return limits;
    }

    /// <summary>The RPM, TPM and parallel-request limits that apply: key, key on this model, team, user, end user.</summary>
    public List<RateLimit> RateLimits(Caller caller, string modelGroup, Customer? customer)
    {
        var limits = new List<RateLimit>(2);
        if (caller.Key is { } key)
        {
            if (key.RpmLimit is not null || key.TpmLimit is not null || key.MaxParallelRequests is not null)
                limits.Add(new RateLimit(BudgetScope.ForKey(key.Id), key.RpmLimit, key.TpmLimit, key.MaxParallelRequests));
            var modelRpm = key.ModelRpmLimit.TryGetValue(modelGroup, out var rpm) ? rpm : (long?)null;
            var modelTpm = key.ModelTpmLimit.TryGetValue(modelGroup, out var tpm) ? tpm : (long?)null;
            if (modelRpm is not null || modelTpm is not null)
                limits.Add(new RateLimit(BudgetScope.ForKeyModel(key.Id, modelGroup), modelRpm, modelTpm, null));
        }
        if (caller.Team is { } team && (team.RpmLimit is not null || team.TpmLimit is not null || team.MaxParallelRequests is not null))
            limits.Add(new RateLimit(BudgetScope.ForTeam(team.TeamId), team.RpmLimit, team.TpmLimit, (int?)team.MaxParallelRequests));
        if (caller.User is { } user && (user.RpmLimit is not null || user.TpmLimit is not null))
            limits.Add(new RateLimit(BudgetScope.ForUser(user.UserId), user.RpmLimit, user.TpmLimit, null));
        if (customer is not null && (customer.RpmLimit is not null || customer.TpmLimit is not null))
            limits.Add(new RateLimit(BudgetScope.ForCustomer(customer.CustomerId), customer.RpmLimit, customer.TpmLimit, null));
        return limits;
    }
}
