using System.Text.Json;
using Gateway.Domain.Users;

namespace Gateway.Domain.Tests.Users;

internal static class UserExamples
{
    public static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public const string Admin = "admin-user";

    public static UserCreated Creation(string userId = "alice") => new(
        userId,
        "alice@example.com",
        "Alice",
        UserRoles.InternalUser,
        ["team-1"],
        MaxBudget: 20m,
        BudgetDuration: "7d",
        Models: ["gpt-4o"],
        TpmLimit: 5_000,
        RpmLimit: 50,
        Metadata: new Dictionary<string, JsonElement> { ["dept"] = JsonSerializer.SerializeToElement("search") },
        At: Created,
        By: Admin);

    public static PortalUser AUser(string userId = "alice") => PortalUser.Create(Creation(userId));
}
