namespace Gateway.Portal.Features.Access;

/// <summary>How events record a portal user as their author (<c>By</c>), and how the portal reads any author back.</summary>
public static class PortalBy
{
    public const string Prefix = "portal:";

    /// <summary>A person-readable author: a portal user, the master key, or a key named by its hash.</summary>
    public static string Describe(string by, string? masterKeyHash, Func<string, string?> keyNameOfHash)
    {
        if (by.StartsWith(Prefix, StringComparison.Ordinal))
            return by[Prefix.Length..] + " (portal)";
        if (masterKeyHash is not null && by == masterKeyHash)
            return "master key (admin API)";
        if (keyNameOfHash(by) is { } name)
            return $"key {name} (admin API)";
        return by.Length == 64 ? $"key {by[..8]}… (admin API)" : by;
    }
}
