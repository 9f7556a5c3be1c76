using System.Security.Claims;
using Gateway.Domain;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Accounts whose answers a test sets; records the sign-ins it was asked for.</summary>
public sealed class FakePortalAccounts : IPortalAccounts
{
    public SignedInUser? Resolved { get; set; }
    public Func<string, string, SignInAttempt> SignIn { get; set; } = (_, _) => SignInAttempt.Failed("The username or password is not right.");
    public Invitation? OpenInvitation { get; set; }
    public List<(string Username, string Password)> SignInsTried { get; } = [];
    public List<(string Token, string Password)> Accepted { get; } = [];

    public Task<SignInAttempt> SignInAsync(string username, string password, CancellationToken ct)
    {
        SignInsTried.Add((username, password));
        return Task.FromResult(SignIn(username, password));
    }

    public Task<SignedInUser?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct) => Task.FromResult(Resolved);

    public Task<Invitation?> FindInvitationAsync(string token, CancellationToken ct) => Task.FromResult(OpenInvitation);

    public Task<PortalResult<string>> AcceptInvitationAsync(string token, string password, CancellationToken ct)
    {
        Accepted.Add((token, password));
        return Task.FromResult(OpenInvitation is null
            ? PortalResult<string>.Refused(RejectionKind.NotFound, "This invitation link is not valid.")
            : PortalResult<string>.Ok(OpenInvitation.UserId));
    }
}
