using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Keys;

/// <summary>Who may manage which key: admins every key; a team lead the keys of the teams they lead.</summary>
public static class KeyAccess
{
    public static Rejection? MayManage(SignedInUser who, VirtualKey? key)
    {
        if (key is null || key.Revoked)
            return new Rejection(RejectionKind.NotFound, "There is no such key (it may have been revoked).");
        return who.MayManageTeam(key.TeamId)
            ? null
            : new Rejection(RejectionKind.Forbidden, "This key does not belong to a team you lead, so you cannot see or change it.");
    }

    public static Rejection? MayAssign(SignedInUser who, string? teamId)
    {
        if (who.MayManageTeam(teamId))
            return null;
        return teamId is null
            ? new Rejection(RejectionKind.Forbidden, "Choose one of your teams for the key.", "team_id")
            : new Rejection(RejectionKind.Forbidden, $"You do not lead team {teamId}, so you cannot give it keys.", "team_id");
    }
}
