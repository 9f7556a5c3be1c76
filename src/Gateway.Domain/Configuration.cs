using Gateway.Domain.Budgets;
using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Models;
using Gateway.Domain.Pricing;
using Gateway.Domain.Routing;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;

namespace Gateway.Domain;

/// <summary>Registers the domain with Marten, feature by feature, in one place.</summary>
public static class Configuration
{
    public const string SchemaName = "gateway";

    public static StoreOptions ConfigureGateway(this StoreOptions options)
    {
        options.DatabaseSchemaName = SchemaName;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Every request is its own stream and only the single event writer appends, so the quick append path is safe.
        options.Events.AppendMode = EventAppendMode.Quick;
        options.ConfigureSpend();
        options.ConfigureKeys();
        options.ConfigureTeams();
        options.ConfigureUsers();
        options.ConfigureCustomers();
        options.ConfigureBudgets();
        options.ConfigurePricing();
        options.ConfigureRouting();
        options.ConfigureModels();
        return options;
    }

    static void ConfigureKeys(this StoreOptions options)
    {
        options.Events.AddEventType<KeyIssued>();
        options.Events.AddEventType<KeyUpdated>();
        options.Events.AddEventType<KeyBlocked>();
        options.Events.AddEventType<KeyUnblocked>();
        options.Events.AddEventType<KeyRegenerated>();
        options.Events.AddEventType<KeyRevoked>();
        // The admin API reads its own writes, and a key's stream has one writer at a time: inline is exact here.
        options.Projections.Snapshot<VirtualKey>(SnapshotLifecycle.Inline);
        // A key unknown to this node's memory is looked up once by its hash (issued on another node).
        options.Schema.For<VirtualKey>().Index(key => key.KeyHash).Index(key => key.KeyAlias!);
    }

    static void ConfigureBudgets(this StoreOptions options)
    {
        // Each alert is a stream of its own (StreamIds.BudgetAlert), started once per owner and window.
        options.Events.AddEventType<BudgetExceeded>();
        options.Events.AddEventType<SoftBudgetCrossed>();
        options.Events.AddEventType<BudgetWindowReset>();
    }

    static void ConfigurePricing(this StoreOptions options)
    {
        // Each publication or import is a stream of its own (nodes starting together never contend); read back by type.
        options.Events.AddEventType<PriceSheetPublished>();
        options.Events.AddEventType<PriceSheetImported>();
    }

    static void ConfigureRouting(this StoreOptions options)
    {
        options.Events.AddEventType<DeploymentCooledDown>();
        options.Events.AddEventType<DeploymentHealthChanged>();
    }

    static void ConfigureModels(this StoreOptions options)
    {
        options.Events.AddEventType<DeploymentAdded>();
        options.Events.AddEventType<DeploymentUpdated>();
        options.Events.AddEventType<DeploymentRemoved>();
        // The router's table is rebuilt from these snapshots after each change: inline, so a change is read back at once.
        options.Projections.Snapshot<StoredDeployment>(SnapshotLifecycle.Inline);
        options.Schema.For<StoredDeployment>().Index(deployment => deployment.DeploymentId);
    }

    static void ConfigureSpend(this StoreOptions options)
    {
        options.Events.AddEventType<RequestCompleted>();
        options.Events.AddEventType<RequestFailed>();
        // One projection for every spend read model: the daemon reads each page of calls once (SpendProjection).
        foreach (var readModel in SpendProjection.ReadModels)
            options.RegisterDocumentType(readModel);
        options.Projections.Add(new SpendProjection(), ProjectionLifecycle.Async);

        // Their columns and indexes: SpendLog.ConfigureMarten and DailySpend.ConfigureMarten (composite indexes need the mapping).
    }

    // Teams, users and customers are named by LiteLLM's string ids; their streams are StreamIds.Team/User/Customer(id),
    // and the snapshots are indexed by the string id the API looks them up with.

    static void ConfigureTeams(this StoreOptions options)
    {
        options.Events.AddEventType<TeamCreated>();
        options.Events.AddEventType<TeamUpdated>();
        options.Events.AddEventType<TeamMemberAdded>();
        options.Events.AddEventType<TeamMemberRemoved>();
        options.Events.AddEventType<TeamMemberUpdated>();
        options.Events.AddEventType<TeamBlocked>();
        options.Events.AddEventType<TeamUnblocked>();
        options.Events.AddEventType<TeamDeleted>();
        options.Projections.Snapshot<Team>(SnapshotLifecycle.Inline);
        options.Schema.For<Team>().Index(team => team.TeamId).Index(team => team.Alias!);
    }

    static void ConfigureUsers(this StoreOptions options)
    {
        options.Events.AddEventType<UserCreated>();
        options.Events.AddEventType<UserUpdated>();
        options.Events.AddEventType<UserDeleted>();
        options.Events.AddEventType<PortalInvitationIssued>();
        options.Events.AddEventType<PortalPasswordSet>();
        options.Projections.Snapshot<PortalUser>(SnapshotLifecycle.Inline);
        // The invitation page finds its user by the token's hash.
        options.Schema.For<PortalUser>().Index(user => user.UserId).Index(user => user.InvitationTokenHash!);
    }

    static void ConfigureCustomers(this StoreOptions options)
    {
        options.Events.AddEventType<CustomerCreated>();
        options.Events.AddEventType<CustomerUpdated>();
        options.Events.AddEventType<CustomerBlocked>();
        options.Events.AddEventType<CustomerUnblocked>();
        options.Events.AddEventType<CustomerDeleted>();
        options.Projections.Snapshot<Customer>(SnapshotLifecycle.Inline);
        options.Schema.For<Customer>().Index(customer => customer.CustomerId);
    }
}
