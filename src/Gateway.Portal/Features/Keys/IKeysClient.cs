using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Keys;

/// <summary>
/// The keys the signed-in user may manage: reads from the key read model, changes through the domain's key decisions
/// (the same events the admin API records). Every method checks the user's rights itself, whatever the page showed.
/// </summary>
public interface IKeysClient
{
    Task<KeyPage> ListAsync(SignedInUser who, KeyListQuery query, CancellationToken ct);

    Task<PortalResult<KeyDetails>> DetailsAsync(SignedInUser who, Guid keyId, CancellationToken ct);

    /// <summary>The teams <paramref name="who"/> may give a key to (every team for an admin).</summary>
    Task<IReadOnlyList<string>> AssignableTeamsAsync(SignedInUser who, CancellationToken ct);

    /// <summary>Issues a key; its plaintext is in the result and nowhere else.</summary>
    Task<PortalResult<IssuedKey>> IssueAsync(SignedInUser who, KeySettings settings, CancellationToken ct);

    Task<PortalResult<KeyRow>> UpdateAsync(SignedInUser who, Guid keyId, KeySettings settings, CancellationToken ct);

    Task<PortalResult<KeyRow>> BlockAsync(SignedInUser who, Guid keyId, CancellationToken ct);

    Task<PortalResult<KeyRow>> UnblockAsync(SignedInUser who, Guid keyId, CancellationToken ct);

    /// <summary>A new secret for the key; the old one stops at once. The new plaintext is in the result only.</summary>
    Task<PortalResult<IssuedKey>> RegenerateAsync(SignedInUser who, Guid keyId, CancellationToken ct);

    Task<PortalResult<KeyRow>> RevokeAsync(SignedInUser who, Guid keyId, CancellationToken ct);
}
