namespace Gateway.Domain.Users;

/// <summary>One user of POST /user/delete <c>{user_ids: [...]}</c>; the API decides each id on its own stream.</summary>
public sealed record DeleteUser(string UserId)
{
    public static Decision Decide(DeleteUser command, PortalUser? user, string by, DateTimeOffset now) =>
        user is null || user.Deleted
            ? UserNotFound.For(command.UserId)
            : Decision.Accept(new UserDeleted(user.UserId, now, by));
}
