namespace Gateway.Domain.Users;

/// <summary>
/// A loose shape check: something@domain.tld with no spaces. Deliverability is the mail server's business; this
/// only catches an alias or a typo sent in the email field.
/// </summary>
internal static class EmailShape
{
    public static bool LooksValid(string email)
    {
        if (email.Length > 320 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return false;
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@'))
            return false;
        var domain = email[(at + 1)..];
        var dot = domain.IndexOf('.');
        return dot > 0 && !domain.EndsWith('.') && !domain.Contains("..");
    }

    public static Decision? Check(string? email) =>
        email is null || LooksValid(email)
            ? Teams.FieldRules.Name(email, "user_email")
            : Decision.Invalid("user_email", "user_email does not look like an email address.");
}
