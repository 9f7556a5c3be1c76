using Gateway.Domain.Keys;

namespace Gateway.Api.Proxy;

/// <summary>
/// Who is calling: the SHA-256 hex of the key they presented, whether it is the master key, and for a virtual key
/// its current state (limits, budgets, models, team and user).
/// </summary>
public sealed record Caller(string KeyHash, bool IsAdmin, VirtualKey? Key = null)
{
    public string? TeamId => Key?.TeamId;
    public string? UserId => Key?.UserId;

    /// <summary>LiteLLM: an empty model list allows every model; so does the special name "all-proxy-models".</summary>
    public bool MayUse(string modelGroup)
    {
        if (Key is null || Key.Models.Count == 0)
            return true;
        foreach (var model in Key.Models)
            if (model == modelGroup || model == "all-proxy-models" || model == "*")
                return true;
        return false;
    }
}
