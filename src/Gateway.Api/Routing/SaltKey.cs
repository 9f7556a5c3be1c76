using Gateway.Api.Hosting;
using Gateway.Domain.Models;

namespace Gateway.Api.Routing;

/// <summary>
/// The key that seals the credentials of models added at runtime: <c>GATEWAY_SALT_KEY</c>, else LiteLLM's
/// <c>LITELLM_SALT_KEY</c>, else (as LiteLLM does) the master key, which then cannot change without those credentials
/// being entered again.
/// </summary>
public static class SaltKey
{
    public static string Of(GatewaySettings settings, string masterKey) =>
        settings.Environment("GATEWAY_SALT_KEY") ?? settings.Environment("LITELLM_SALT_KEY") ?? masterKey;

    public static CredentialSeal SealFor(GatewaySettings settings, string masterKey) => new(Of(settings, masterKey));
}
