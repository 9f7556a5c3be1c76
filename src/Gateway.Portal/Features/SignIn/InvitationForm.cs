namespace Gateway.Portal.Features.SignIn;

public sealed class InvitationForm
{
    public string Password { get; set; } = "";
    public string Confirmation { get; set; } = "";
}
