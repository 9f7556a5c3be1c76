using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Keys kept in a list; records what the page asked for and which actions ran.</summary>
public sealed class FakeKeysClient : IKeysClient
{
    public static readonly DateTimeOffset Issued = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    public List<KeyRow> Rows { get; } = [];
    public List<KeyListQuery> Queries { get; } = [];
    public List<KeySettings> IssuedWith { get; } = [];
    public List<(string Action, Guid KeyId)> Actions { get; } = [];
    public IReadOnlyList<string> Teams { get; set; } = ["ads", "search"];
    public Exception? ListFails { get; set; }
    public Rejection? IssueRefusal { get; set; }
    public PortalResult<KeyDetails>? Details { get; set; }

    public static KeyRow Key(string alias, string? team, bool blocked = false, decimal spend = 0) => new(new VirtualKey
    {
        Id = Guid.CreateVersion7(),
        KeyHash = KeyPlaintext.Hash(alias),
        KeyName = "sk-..." + alias[..Math.Min(4, alias.Length)],
        KeyAlias = alias,
        TeamId = team,
        Blocked = blocked,
        IssuedAt = Issued,
        UpdatedAt = Issued,
    }, spend);

    public Task<KeyPage> ListAsync(SignedInUser who, KeyListQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        if (ListFails is not null)
            throw ListFails;
        var rows = Rows.Where(r => who.MayManageTeam(r.TeamId))
            .Where(r => query.Search is null || (r.Alias ?? "").Contains(query.Search, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return Task.FromResult(new KeyPage(rows.Skip(query.Page * query.PageSize).Take(query.PageSize).ToList(), rows.Count));
    }

    public Task<PortalResult<KeyDetails>> DetailsAsync(SignedInUser who, Guid keyId, CancellationToken ct) =>
        Task.FromResult(Details ?? PortalResult<KeyDetails>.Refused(RejectionKind.NotFound, "There is no such key."));

    public Task<IReadOnlyList<string>> AssignableTeamsAsync(SignedInUser who, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(who.IsAdmin ? Teams : [.. who.TeamIds]);

    public Task<PortalResult<IssuedKey>> IssueAsync(SignedInUser who, KeySettings settings, CancellationToken ct)
    {
        IssuedWith.Add(settings);
        if (IssueRefusal is not null)
            return Task.FromResult(PortalResult<IssuedKey>.Refused(IssueRefusal));
        return Task.FromResult(PortalResult<IssuedKey>.Ok(new IssuedKey(Guid.CreateVersion7(), "sk-the-one-time-secret-1234", "sk-...1234")));
    }

    public Task<PortalResult<KeyRow>> UpdateAsync(SignedInUser who, Guid keyId, KeySettings settings, CancellationToken ct) => Act("update", keyId);

    public Task<PortalResult<KeyRow>> BlockAsync(SignedInUser who, Guid keyId, CancellationToken ct) => Act("block", keyId);

    public Task<PortalResult<KeyRow>> UnblockAsync(SignedInUser who, Guid keyId, CancellationToken ct) => Act("unblock", keyId);

    public Task<PortalResult<KeyRow>> RevokeAsync(SignedInUser who, Guid keyId, CancellationToken ct) => Act("revoke", keyId);

    public Task<PortalResult<IssuedKey>> RegenerateAsync(SignedInUser who, Guid keyId, CancellationToken ct)
    {
        Actions.Add(("regenerate", keyId));
        return Task.FromResult(PortalResult<IssuedKey>.Ok(new IssuedKey(keyId, "sk-regenerated-secret-9876", "sk-...9876")));
    }

    Task<PortalResult<KeyRow>> Act(string action, Guid keyId)
    {
        Actions.Add((action, keyId));
        return Task.FromResult(PortalResult<KeyRow>.Ok(Rows.First(r => r.Id == keyId)));
    }
}
