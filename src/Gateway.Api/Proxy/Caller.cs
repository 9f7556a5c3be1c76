using Gateway.Domain.Keys;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;

namespace Gateway.Api.Proxy;

/// <summary>Whether a caller may use a model group, and if not, whose list refused it.</summary>
public enum ModelAccess
{
    Allowed,
    DeniedByKey,
    DeniedByTeam,
}

/// <summary>
/// Who is calling: the SHA-256 hex of the key they presented; for a virtual key its current state (limits, budgets,
/// models) with its team and its user as this node knows them. <see cref="IsAdmin"/>: the master key, or a key of a
/// user with the <c>proxy_admin</c> role; <see cref="MayReadAdmin"/> adds <c>proxy_admin_viewer</c>.
/// </summary>
public sealed record Caller(string KeyHash, bool IsAdmin, VirtualKey? Key = null, Team? Team = null, PortalUser? User = null)
{
    public string? TeamId => Key?.TeamId;
    public string? UserId => Key?.UserId;

    /// <summary>Admins, and users whose role lets them read everything but change nothing.</summary>
    public bool MayReadAdmin => IsAdmin || User?.Role == UserRoles.ProxyAdminViewer;

    /// <summary>Keys may use their own models; a key with none (or <c>all-team-models</c>) uses its team's.</summary>
    public bool MayUse(string modelGroup) => Access(modelGroup) == ModelAccess.Allowed;

    /// <summary>
    /// LiteLLM's rules: an empty model list allows every model, as do the names <c>all-proxy-models</c> and <c>*</c>;
    /// <c>all-team-models</c> on a key defers to the team; a team with a model list limits all its keys.
    /// </summary>
    public ModelAccess Access(string modelGroup)
    {
        if (Key is null)
            return ModelAccess.Allowed;
        if (Key.Models.Count > 0 && !Key.Models.Contains(SpecialModels.AllTeamModels) && !Allows(Key.Models, modelGroup))
            return ModelAccess.DeniedByKey;
        if (Team is { Models.Count: > 0 } team && !Allows(team.Models, modelGroup))
            return ModelAccess.DeniedByTeam;
        return ModelAccess.Allowed;
    }

    static bool Allows(IReadOnlyList<string> models, string modelGroup)
    {
        foreach (var model in models)
            if (model == modelGroup || model is SpecialModels.AllProxyModels or "*")
                return true;
        return false;
    }
}

/// <summary>Names with a meaning in model lists.</summary>
public static class SpecialModels
{
    public const string AllProxyModels = "all-proxy-models";
    public const string AllTeamModels = "all-team-models";
}
