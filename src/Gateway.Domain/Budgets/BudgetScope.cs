namespace Gateway.Domain.Budgets;

/// <summary>
/// Whose budget or rate limit: a key, a key on one model, a team, a member within a team, a portal user, a customer
/// (end user) or the whole proxy. Kinds are LiteLLM's entity types (its webhook <c>event_group</c>), plus key_model.
/// <see cref="Id"/> is the key's id (stable when the key is regenerated), "keyid/model", team id, "team/user", user id,
/// customer id, or "proxy".
/// </summary>
public readonly record struct BudgetScope(string Kind, string Id)
{
    public const string Key = "key";
    public const string KeyModel = "key_model";
    public const string Team = "team";
    public const string TeamMember = "team_member";
    public const string User = "user";
    public const string Customer = "end_user";
    public const string Proxy = "proxy";

    public static BudgetScope ForKey(Guid keyId) => new(Key, keyId.ToString());
    public static BudgetScope ForKeyModel(Guid keyId, string model) => new(KeyModel, keyId + "/" + model);
    public static BudgetScope ForTeam(string teamId) => new(Team, teamId);
    public static BudgetScope ForTeamMember(string teamId, string userId) => new(TeamMember, teamId + "/" + userId);
    public static BudgetScope ForUser(string userId) => new(User, userId);
    public static BudgetScope ForCustomer(string customerId) => new(Customer, customerId);
    public static readonly BudgetScope WholeProxy = new(Proxy, "proxy");

    public override string ToString() => $"{Kind}:{Id}";
}
