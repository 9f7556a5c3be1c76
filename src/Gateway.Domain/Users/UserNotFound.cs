namespace Gateway.Domain.Users;

/// <summary>The one refusal for a user who never existed or was deleted.</summary>
internal static class UserNotFound
{
    public static Decision For(string userId) =>
        Decision.Reject(RejectionKind.NotFound, $"User {userId} does not exist.", "user_id");
}
