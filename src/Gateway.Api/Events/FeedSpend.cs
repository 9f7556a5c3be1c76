using Gateway.Api.Access;
using Gateway.Api.Keys;
using Gateway.Api.Limits;
using Gateway.Api.Proxy;

namespace Gateway.Api.Events;

/// <summary>
/// What the event feed does with a charged call. One served by another node is added to this node's budgets (the
/// same ones the serving node charged: key, key × model, team, member, user, end user, proxy), so every node
/// refuses once a shared budget is spent. One of this node's own is already counted; the feed confirms it, so a
/// later seed (which reads it from the store) does not count it twice.
/// </summary>
public sealed class FeedSpend(KeyDirectory keys, Roster roster, CallLimits limits, BudgetLedger ledger)
{
    public async ValueTask ApplyAsync(string? keyHash, string? modelGroup, string? customerId, decimal cost, DateTimeOffset at, bool ownCall, CancellationToken ct)
    {
        if (cost == 0m || modelGroup is null)
            return;
        var key = keyHash is null ? null : await keys.FindAsync(keyHash, ct);
        var caller = new Caller(keyHash ?? "", IsAdmin: false, key, roster.Team(key?.TeamId), roster.User(key?.UserId));
        foreach (var limit in limits.Budgets(caller, modelGroup, customerId, roster.Customer(customerId), at))
        {
            if (ownCall)
                ledger.Confirm(limit.Scope, cost);
            else
                ledger.Record(limit, cost);
        }
    }
}
