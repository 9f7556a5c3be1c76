using System.ComponentModel.DataAnnotations;

namespace Gateway.Portal.Features.SignIn;

public sealed class SignInForm
{
    [Required(ErrorMessage = "Enter your username.")]
    public string Username { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    public string Password { get; set; } = "";
}
