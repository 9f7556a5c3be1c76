namespace Gateway.Domain.Users;

/// <summary>LiteLLM's user roles. Admins manage everything; viewers only read; internal users manage their own keys.</summary>
public static class UserRoles
{
    public const string ProxyAdmin = "proxy_admin";
    public const string ProxyAdminViewer = "proxy_admin_viewer";
    public const string InternalUser = "internal_user";
    public const string InternalUserViewer = "internal_user_viewer";

    /// <summary>What /user/new gives a user who was sent without a role.</summary>
    public const string Default = InternalUser;

    public static bool IsKnown(string? role) => role is ProxyAdmin or ProxyAdminViewer or InternalUser or InternalUserViewer;
}
