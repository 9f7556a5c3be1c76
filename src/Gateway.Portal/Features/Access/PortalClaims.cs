using System.Security.Claims;

namespace Gateway.Portal.Features.Access;

/// <summary>
/// What the sign-in cookie says: who (name, and user id for portal users) and a stamp of the password they signed in
/// with. Rights are not in the cookie: they are read from the store on every page and action.
/// </summary>
public static class PortalClaims
{
    public const string AuthenticationType = "portal";
    public const string UserId = "gateway:user_id";
    public const string Stamp = "gateway:stamp";

    public static ClaimsPrincipal ForAdmin(AdminCredentials admin) => Principal(
        new Claim(ClaimTypes.Name, admin.Username),
        new Claim(Stamp, admin.Stamp));

    public static ClaimsPrincipal ForUser(string userId, string passwordStamp) => Principal(
        new Claim(ClaimTypes.Name, userId),
        new Claim(UserId, userId),
        new Claim(Stamp, passwordStamp));

    /// <summary>A short digest of a stored password hash: changes when the password changes.</summary>
    public static string StampOf(string passwordHash) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passwordHash)))[..16];

    static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
}
