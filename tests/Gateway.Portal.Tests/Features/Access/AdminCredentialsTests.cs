using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Tests.Features.Access;

public sealed class AdminCredentialsTests
{
    [Fact]
    public void by_default_the_admin_is_admin_with_the_master_key()
    {
        var admin = AdminCredentials.From(null, null, "sk-master-1234");

        Assert.Equal("admin", admin.Username);
        Assert.True(admin.Matches("admin", "sk-master-1234"));
        Assert.False(admin.Matches("admin", "sk-master-123"));
        Assert.False(admin.Matches("Admin", "sk-master-1234"));
    }

    [Fact]
    public void ui_username_and_password_replace_the_defaults()
    {
        var admin = AdminCredentials.From("ops", "a long ui password", "sk-master-1234");

        Assert.True(admin.Matches("ops", "a long ui password"));
        Assert.False(admin.Matches("admin", "sk-master-1234"));
        Assert.False(admin.Matches("ops", "sk-master-1234"));
    }

    [Fact]
    public void the_credentials_never_print_the_password()
    {
        var admin = AdminCredentials.From(null, null, "sk-master-1234");

        Assert.DoesNotContain("sk-master-1234", admin.ToString());
        Assert.DoesNotContain("sk-master-1234", admin.Stamp);
    }

    [Fact]
    public void the_stamp_changes_with_the_password_so_old_cookies_stop_working()
    {
        Assert.Equal(AdminCredentials.From(null, null, "one").Stamp, AdminCredentials.From(null, null, "one").Stamp);
        Assert.NotEqual(AdminCredentials.From(null, null, "one").Stamp, AdminCredentials.From(null, null, "two").Stamp);
    }
}
