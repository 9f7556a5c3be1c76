namespace Gateway.Portal.Features.Access;

/// <summary>What the host tells the portal about itself.</summary>
/// <param name="Admin">The built-in admin's credentials.</param>
/// <param name="MasterKeyHash">SHA-256 of the master key, as admin API events record it in <c>By</c>: shown as "master key".</param>
public sealed record PortalOptions(AdminCredentials Admin, string? MasterKeyHash = null)
{
    /// <summary>How long an invitation link works.</summary>
    public TimeSpan InvitationLifetime { get; init; } = TimeSpan.FromDays(7);
}
