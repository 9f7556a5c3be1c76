namespace Gateway.Portal.Features.Access;

/// <summary>What a portal password must be. Length is what matters; no composition rules (NIST SP 800-63B).</summary>
public static class PasswordRules
{
    public const int MinimumLength = 12;

    public static string? Check(string? password, string? confirmation)
    {
        if (string.IsNullOrEmpty(password))
            return "Choose a password.";
        if (password.Length < MinimumLength)
            return $"Use at least {MinimumLength} characters.";
        if (password != confirmation)
            return "The two passwords are not the same.";
        return null;
    }
}
