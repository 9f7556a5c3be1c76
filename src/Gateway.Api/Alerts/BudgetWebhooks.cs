using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Api.Access;
using Gateway.Api.Hosting;
using Gateway.Api.Keys;
using Gateway.Api.Limits;
using Gateway.Domain.Budgets;

namespace Gateway.Api.Alerts;

/// <summary>
/// LiteLLM's webhook body (<c>WebhookEvent</c>): who, how much, which event, in its field names, so receivers
/// written for LiteLLM keep working.
/// </summary>
public sealed record BudgetWebhookPayload(
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("max_budget")] decimal? MaxBudget,
    [property: JsonPropertyName("soft_budget")] decimal? SoftBudget,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("customer_id")] string? CustomerId,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("team_id")] string? TeamId,
    [property: JsonPropertyName("team_alias")] string? TeamAlias,
    [property: JsonPropertyName("user_email")] string? UserEmail,
    [property: JsonPropertyName("key_alias")] string? KeyAlias,
    [property: JsonPropertyName("projected_exceeded_date")] string? ProjectedExceededDate,
    [property: JsonPropertyName("projected_spend")] decimal? ProjectedSpend,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("event_group")] string EventGroup,
    [property: JsonPropertyName("event_message")] string EventMessage);

/// <summary>A webhook to deliver; retried with the configured delays until the receiver accepts it.</summary>
public sealed record SendBudgetWebhook(Uri Url, BudgetWebhookPayload Payload, Guid AlertId);

/// <summary>Builds the webhook for an alert, naming the key, team, user or customer as this node knows them.</summary>
public sealed class BudgetWebhooks(GatewaySettings settings, Roster roster, Marten.IDocumentStore store)
{
    public async Task<SendBudgetWebhook?> ForAsync(RecordBudgetAlert alert, CancellationToken ct)
    {
        // Resets are recorded as events but LiteLLM sends no webhook for them.
        if (settings.WebhookUrl is not { } url || alert.Kind == BudgetAlertKind.WindowReset)
            return null;

        var scope = alert.Scope;
        string? keyId = null, teamId = null, userId = null, customerId = null;
        switch (scope.Kind)
        {
            case BudgetScope.Key: keyId = scope.Id; break;
            case BudgetScope.KeyModel: keyId = scope.Id[..scope.Id.IndexOf('/')]; break;
            case BudgetScope.Team: teamId = scope.Id; break;
            case BudgetScope.TeamMember: (teamId, userId) = (scope.Id[..scope.Id.IndexOf('/')], scope.Id[(scope.Id.IndexOf('/') + 1)..]); break;
            case BudgetScope.User: userId = scope.Id; break;
            case BudgetScope.Customer: customerId = scope.Id; break;
        }
        Gateway.Domain.Keys.VirtualKey? key = null;
        if (Guid.TryParse(keyId, out var id))
        {
            await using var session = store.QuerySession();
            key = await session.LoadAsync<Gateway.Domain.Keys.VirtualKey>(id, ct);
        }
        teamId ??= key?.TeamId;
        userId ??= key?.UserId;
        var team = roster.Team(teamId);
        var user = roster.User(userId);

        var exceeded = alert.Kind == BudgetAlertKind.Exceeded;
        var payload = new BudgetWebhookPayload(
            alert.Spend,
            exceeded ? alert.Threshold : null,
            exceeded ? null : alert.Threshold,
            key?.KeyHash, customerId, userId, teamId, team?.Alias, user?.Email, key?.KeyAlias,
            null, null,
            exceeded ? "budget_crossed" : "soft_budget_crossed",
            scope.Kind == BudgetScope.KeyModel ? BudgetScope.Key : scope.Kind,
            Message(alert));
        return new SendBudgetWebhook(url, payload, alert.StreamId);
    }

    static string Message(RecordBudgetAlert alert)
    {
        var spend = alert.Spend.ToString("0.######", CultureInfo.InvariantCulture);
        var threshold = alert.Threshold.ToString("0.######", CultureInfo.InvariantCulture);
        return alert.Kind == BudgetAlertKind.Exceeded
            ? $"Budget Crossed for {alert.Scope}: spend {spend}, max budget {threshold}"
            : $"Soft Budget Crossed for {alert.Scope}: spend {spend}, soft budget {threshold}";
    }
}

/// <summary>A receiver answered with something other than success; Wolverine retries the delivery.</summary>
public sealed class WebhookDeliveryFailed(string message) : Exception(message);

/// <summary>Posts a webhook. A failure throws, and the retry policy (GatewayHost) tries again later.</summary>
public static class SendBudgetWebhookHandler
{
    public const string HttpClientName = "budget-webhooks";

    public static async Task Handle(SendBudgetWebhook webhook, IHttpClientFactory clients, CancellationToken ct)
    {
        using var client = clients.CreateClient(HttpClientName);
        using var content = JsonContent(webhook.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", webhook.AlertId.ToString());
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new WebhookDeliveryFailed($"webhook {webhook.Url.GetLeftPart(UriPartial.Authority)} unreachable: {ex.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new WebhookDeliveryFailed($"webhook {webhook.Url.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode}");
        }
    }

    static StringContent JsonContent(BudgetWebhookPayload payload) =>
        new(JsonSerializer.Serialize(payload), System.Text.Encoding.UTF8, "application/json");
}
