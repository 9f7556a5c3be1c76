using System.Security.Cryptography;
using System.Text;

namespace Gateway.Domain;

/// <summary>
/// The event-stream ids of things LiteLLM names with strings (team_id, user_id, end-user id). Marten's streams are
/// keyed by Guid, so each string id maps to a name-based UUID (RFC 9562 version 5): the same id always finds the
/// same stream on every node with no lookup table, and the kind prefix keeps a team and a user called "alice" on
/// different streams.
/// </summary>
public static class StreamIds
{
    /// <summary>
    /// The gateway's own namespace. Never change it: every stored team, user and customer stream is keyed by it.
    /// </summary>
    public static readonly Guid Namespace = new("7d5a8163-3a1e-4f5d-89e1-9e6959c80008");

    public static Guid Team(string teamId) => Of("team:", teamId);

    public static Guid User(string userId) => Of("user:", userId);

    public static Guid Customer(string customerId) => Of("customer:", customerId);

    /// <summary>A deployment added at runtime, by its <c>model_info.id</c>.</summary>
    public static Guid Deployment(string deploymentId) => Of("deployment:", deploymentId);

    /// <summary>
    /// The stream of one budget alert (<paramref name="alert"/>: "exceeded", "soft", "reset") for one scope and window.
    /// Starting it twice fails, which is what makes each alert happen once however many nodes notice it.
    /// </summary>
    public static Guid BudgetAlert(string alert, Budgets.BudgetScope scope, DateTimeOffset? windowStart) =>
        Of($"budget-{alert}:", $"{scope.Kind}:{scope.Id}@{windowStart?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "lifetime"}");

    /// <summary>
    /// RFC 9562 §5.5: SHA-1 over the namespace's bytes in network order followed by the name's UTF-8 bytes; the
    /// first 16 bytes of the hash, with the version (5) and variant (10xx) bits set.
    /// </summary>
    public static Guid NameBased(Guid ns, string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    static Guid Of(string kind, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return NameBased(Namespace, kind + id);
    }
}
