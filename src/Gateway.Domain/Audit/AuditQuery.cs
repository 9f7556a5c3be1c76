namespace Gateway.Domain.Audit;

/// <summary>
/// What an audit covers: the calls that started on the UTC days <see cref="From"/> to <see cref="To"/> (both
/// included, the days the daily rollup counts them on), optionally of one team and of one key.
/// </summary>
public sealed record AuditQuery(DateOnly From, DateOnly To)
{
    /// <summary>Only the calls made under this team_id.</summary>
    public string? TeamId { get; init; }

    /// <summary>Only the calls made with these key hashes (a key's current hash and those it had before regenerations).</summary>
    public IReadOnlyCollection<string>? KeyHashes { get; init; }

    /// <summary>Recompute with these prices instead of the ones each call recorded.</summary>
    public Repricing? Prices { get; init; }

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant after the period.</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Whether a call with these facts is in the audit; the one definition every reader applies.</summary>
    public bool Covers(DateTimeOffset startedAt, string? keyHash, string? teamId) =>
        startedAt >= Start && startedAt < End
        && (TeamId is null || TeamId == teamId)
        && (KeyHashes is null || (keyHash is not null && KeyHashes.Contains(keyHash)));
}
