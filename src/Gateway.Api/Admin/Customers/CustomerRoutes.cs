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

/// <summary>Customers (end users): <c>/customer/new|info|list|block|unblock|delete</c>.</summary>
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

    [WolverineGet("/customer/info")]
    public static async Task<IResult> Get(string? end_user_id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(end_user_id))
            return ApiError.MissingField("end_user_id", "the end user's id").AsResult();
        var customer = await session.LoadAsync<Customer>(StreamIds.Customer(end_user_id), ct);
        return customer is null || customer.Deleted
            ? new ApiError(404, "not_found_error", $"Customer not found: {end_user_id}", "end_user_id", "404").AsResult()
            : Results.Json(Info(customer));
    }

    [WolverineGet("/customer/list")]
    public static async Task<IResult> List(Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var customers = await session.Query<Customer>().Where(c => !c.Deleted).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return Results.Json(customers.Select(Info));
    }

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
