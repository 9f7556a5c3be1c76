namespace Gateway.Domain.Teams;

/// <summary>A user's place in a team: their role and, optionally, how much they may spend through the team.</summary>
public sealed record TeamMember(string UserId, string Role, decimal? MaxBudgetInTeam = null);
