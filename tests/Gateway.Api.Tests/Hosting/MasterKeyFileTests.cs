using Gateway.Api.Hosting;

namespace Gateway.Api.Tests.Hosting;

public sealed class MasterKeyFileTests
{
    [Fact]
    public void the_first_run_creates_a_random_sk_key_readable_only_by_its_owner()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine(".gateway");

        var key = MasterKeyFile.LoadOrCreate(root, out var created);

        Assert.True(created);
        Assert.StartsWith("sk-", key);
        Assert.Equal(3 + 43, key.Length); // 32 bytes in unpadded base64url
        Assert.Matches("^sk-[A-Za-z0-9_-]{43}$", key);
        var file = Path.Combine(root, "master_key");
        Assert.Equal(key, File.ReadAllText(file).Trim());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void later_runs_reuse_the_stored_key()
    {
        using var temp = new TempDirectory();
        var first = MasterKeyFile.LoadOrCreate(temp.Path, out _);

        var second = MasterKeyFile.LoadOrCreate(temp.Path, out var created);

        Assert.False(created);
        Assert.Equal(first, second);
    }

    [Fact]
    public void a_key_written_by_hand_is_used_as_is()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("master_key"), "sk-chosen-by-the-operator\n");

        var key = MasterKeyFile.LoadOrCreate(temp.Path, out var created);

        Assert.False(created);
        Assert.Equal("sk-chosen-by-the-operator", key);
    }

    [Fact]
    public void a_blank_key_file_gets_a_new_key()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("master_key"), "  \n");

        var key = MasterKeyFile.LoadOrCreate(temp.Path, out var created);

        Assert.True(created);
        Assert.StartsWith("sk-", key);
        Assert.Equal(key, File.ReadAllText(temp.Combine("master_key")).Trim());
    }

    [Fact]
    public void each_gateway_directory_gets_its_own_key()
    {
        using var one = new TempDirectory();
        using var other = new TempDirectory();

        Assert.NotEqual(MasterKeyFile.LoadOrCreate(one.Path, out _), MasterKeyFile.LoadOrCreate(other.Path, out _));
    }
}
