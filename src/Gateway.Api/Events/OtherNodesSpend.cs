using Gateway.Api.Access;
using Gateway.Api.Keys;
using Gateway.Api.Limits;
using Gateway.Api.Proxy;
using Gateway.Domain.Spend;

namespace Gateway.Api.Events;

/// <summary>
/// Charges a call served by another node to this node's budget ledger: the same budgets the serving node charged
/// (key, key × model, team, member, user, end user, proxy), so every node refuses once the shared budget is spent.
/// </summary>
public sealed class OtherNodesSpend(KeyDirectory keys, Roster roster, CallLimits limits, BudgetLedger ledger)
{
    public async ValueTask RecordAsync(RequestCompleted call, CancellationToken ct)
    {
        if (call.Cost == 0m)
            return;
        var key = call.KeyHash is null ? null : await keys.FindAsync(call.KeyHash, ct);
        var caller = new Caller(call.KeyHash ?? "", IsAdmin: false, key, roster.Team(key?.TeamId), roster.User(key?.UserId));
        foreach (var limit in limits.Budgets(caller, call.ModelGroup, call.CustomerId, roster.Customer(call.CustomerId), call.At))
            ledger.Record(limit, call.Cost);
    }
}
