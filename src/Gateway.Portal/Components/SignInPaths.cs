namespace Gateway.Portal.Components;

/// <summary>The portal's sign-in addresses, and the one rule for where to go back after signing in.</summary>
public static class SignInPaths
{
    public const string SignIn = PortalRegistration.BasePath + "/signin";
    public const string SignOut = PortalRegistration.BasePath + "/signout";
    public const string Invitation = PortalRegistration.BasePath + "/invitation";

    /// <summary>
    /// Only an address inside the portal: a ReturnUrl pointing elsewhere ("//evil.example", "https://…") would make
    /// the sign-in page an open redirect.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl)
            || !returnUrl.StartsWith(PortalRegistration.BasePath, StringComparison.Ordinal)
            || returnUrl.Length > PortalRegistration.BasePath.Length && returnUrl[PortalRegistration.BasePath.Length] is not ('/' or '?' or '#')
            || returnUrl.Contains('\\') || returnUrl.StartsWith(SignIn, StringComparison.Ordinal))
            return PortalRegistration.BasePath;
        return returnUrl;
    }
}
