using Gateway.Domain.Keys;

namespace Gateway.Portal.Features.Keys;

/// <summary>A key as the list shows it; <see cref="Spend"/> is lifetime spend from the rollup (it may lag a few seconds).</summary>
public sealed record KeyRow(VirtualKey Key, decimal Spend)
{
    public Guid Id => Key.Id;
    public string Name => Key.KeyName;
    public string? Alias => Key.KeyAlias;
    public string? TeamId => Key.TeamId;
    public string? UserId => Key.UserId;
    public IReadOnlyList<string> Models => Key.Models;
    public decimal? MaxBudget => Key.MaxBudget;
    public bool Blocked => Key.Blocked;
    public DateTimeOffset? ExpiresAt => Key.ExpiresAt;
    public DateTimeOffset IssuedAt => Key.IssuedAt;

    public string Status(DateTimeOffset now) =>
        Key.Revoked ? "Revoked" : Key.Blocked ? "Blocked" : Key.IsExpired(now) ? "Expired" : "Active";
}
