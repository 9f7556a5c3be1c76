using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain;
using Gateway.Domain.Customers;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Customers;

/// <summary>LiteLLM's <c>POST /customer/new</c> body (a customer is an end user, named by the request's <c>user</c>).</summary>
public sealed record NewCustomerRequest
{
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("alias")] public string? Alias { get; init; }
    [JsonPropertyName("blocked")] public bool? Blocked { get; init; }
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("tpm_limit")] public long? TpmLimit { get; init; }
    [JsonPropertyName("rpm_limit")] public long? RpmLimit { get; init; }
    [JsonPropertyName("allowed_model_region")] public string? AllowedModelRegion { get; init; }
}

/// <summary>LiteLLM's <c>/customer/block</c>, <c>/customer/unblock</c> and <c>/customer/delete</c> bodies.</summary>
public sealed record CustomerIdsRequest
{
    [JsonPropertyName("user_ids")] public List<string>? UserIds { get; init; }
}

/// <summary>Customers (end users): <c>/customer/new|update|info|list|block|unblock|delete</c>.</summary>
public static class CustomerRoutes
{
    [WolverinePost("/customer/new")]
    public static async Task<IResult> New(NewCustomerRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.UserId))
            return ApiError.MissingField("user_id", "the end user's id, as clients send it in `user`").AsResult();

        var stream = StreamIds.Customer(request.UserId);
        var decision = CreateCustomer.Decide(new CreateCustomer(request.UserId, request.Alias, request.Blocked ?? false,
            request.MaxBudget, request.BudgetDuration, request.TpmLimit, request.RpmLimit, request.AllowedModelRegion),
            await session.LoadAsync<Customer>(stream, ct), caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();

        session.Events.StartStream<Customer>(stream, decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return Results.Json(Info((await session.LoadAsync<Customer>(stream, ct))!));
    }

    /// <summary>
    /// LiteLLM's <c>POST /customer/update</c>: <c>user_id</c> plus any field of <c>/customer/new</c>; absent leaves a
    /// field, null clears it; <c>blocked</c> blocks or unblocks.
    /// </summary>
    [WolverinePost("/customer/update")]
    public static async Task<IResult> Update(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;

        var customerId = fields.RequiredText("user_id");
        var command = new UpdateCustomer(customerId ?? "", fields.Text("alias"), fields.Decimal("max_budget"),
            fields.Text("budget_duration"), fields.Long("tpm_limit"), fields.Long("rpm_limit"), fields.Text("allowed_model_region"));
        var blocked = fields.Bool("blocked");
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var stream = StreamIds.Customer(customerId!);
        var customer = await session.LoadAsync<Customer>(stream, ct);
        var now = time.GetUtcNow();
        var decision = UpdateCustomer.Decide(command, customer, caller.KeyHash, now);
        if (decision.Rejection is null && blocked is { } block)
        {
            var blocking = block
                ? BlockCustomer.Decide(new BlockCustomer(customerId!), customer, caller.KeyHash, now)
                : UnblockCustomer.Decide(new UnblockCustomer(customerId!), customer, caller.KeyHash, now);
            decision = blocking.Rejection is null ? Decision.Accept([.. decision.Events, .. blocking.Events]) : blocking;
        }
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        if (decision.Events.Count > 0)
        {
            session.Events.Append(stream, decision.Events.ToArray());
            await session.SaveChangesAsync(ct);
        }
        return Results.Json(Info((await session.LoadAsync<Customer>(stream, ct))!));
    }

    [WolverineGet("/customer/info")]
    public static async Task<IResult> Get(string? end_user_id, Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(end_user_id))
            return ApiError.MissingField("end_user_id", "the end user's id").AsResult();
        var customer = await session.LoadAsync<Customer>(StreamIds.Customer(end_user_id), ct);
        return customer is null || customer.Deleted
            ? new ApiError(404, "not_found_error", $"Customer not found: {end_user_id}", "end_user_id", "404").AsResult()
            : Results.Json(await WithSpendAsync(customer, session, time.GetUtcNow(), ct));
    }

    [WolverineGet("/customer/list")]
    public static async Task<IResult> List(Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var customers = await session.Query<Customer>().Where(c => !c.Deleted).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        var now = time.GetUtcNow();
        var infos = new List<Dictionary<string, object?>>(customers.Count);
        foreach (var customer in customers)
            infos.Add(await WithSpendAsync(customer, session, now, ct));
        return Results.Json(infos);
    }

    static Task<Dictionary<string, object?>> WithSpendAsync(Customer customer, IQuerySession session, DateTimeOffset now, CancellationToken ct) =>
        Info(customer).WithSpendAsync(session, AdminSpend.Customer(customer.CustomerId), customer.CurrentBudgetWindow(now), ct);

    [WolverinePost("/customer/block")]
    public static Task<IResult> Block(CustomerIdsRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        ForEach(request, caller, session, ct, (id, customer) => BlockCustomer.Decide(new BlockCustomer(id), customer, caller.KeyHash, time.GetUtcNow()), "blocked_users");

    [WolverinePost("/customer/unblock")]
    public static Task<IResult> Unblock(CustomerIdsRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        ForEach(request, caller, session, ct, (id, customer) => UnblockCustomer.Decide(new UnblockCustomer(id), customer, caller.KeyHash, time.GetUtcNow()), "unblocked_users");

    [WolverinePost("/customer/delete")]
    public static Task<IResult> Delete(CustomerIdsRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        ForEach(request, caller, session, ct, (id, customer) => DeleteCustomer.Decide(new DeleteCustomer(id), customer, caller.KeyHash, time.GetUtcNow()), "deleted_customers");

    static async Task<IResult> ForEach(CustomerIdsRequest request, Caller caller, IDocumentSession session, CancellationToken ct,
        Func<string, Customer?, Decision> decide, string resultName) =>
        caller.IsAdmin
            ? await AllOrNothing.ApplyAsync(session, request.UserIds, "user_ids", StreamIds.Customer, decide, resultName, ct)
            : AdminErrors.AdminOnly().AsResult();

    static Dictionary<string, object?> Info(Customer customer) => new()
    {
        ["user_id"] = customer.CustomerId,
        ["alias"] = customer.Alias,
        ["blocked"] = customer.Blocked,
        ["max_budget"] = customer.MaxBudget,
        ["budget_duration"] = customer.BudgetDuration,
        ["tpm_limit"] = customer.TpmLimit,
        ["rpm_limit"] = customer.RpmLimit,
        ["allowed_model_region"] = customer.AllowedModelRegion,
        ["created_at"] = customer.CreatedAt,
        ["updated_at"] = customer.UpdatedAt,
    };
}
