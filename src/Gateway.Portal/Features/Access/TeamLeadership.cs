using Gateway.Domain.Teams;
using Marten;

namespace Gateway.Portal.Features.Access;

/// <summary>The teams a user leads: those where they are a member with the team's admin role (LiteLLM's team admin).</summary>
public static class TeamLeadership
{
    public static async Task<IReadOnlyList<string>> TeamsLedByAsync(IQuerySession session, string userId, CancellationToken ct)
    {
        var teams = await session.Query<Team>().Where(t => !t.Deleted && t.Members.Any(m => m.UserId == userId)).ToListAsync(ct);
        return [.. teams.Where(t => t.Member(userId)?.Role == TeamRoles.Admin).Select(t => t.TeamId).Order(StringComparer.Ordinal)];
    }
}
