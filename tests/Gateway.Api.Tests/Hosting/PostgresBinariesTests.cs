using Gateway.Api.Hosting;

namespace Gateway.Api.Tests.Hosting;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void finding_nothing_says_what_to_install_in_one_paragraph()
    {
        using var temp = new TempDirectory();
        var empty = temp.Combine("empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<PostgresNotFoundException>(
            () => PostgresBinaries.Find([empty, temp.Combine("missing")]));

        Assert.Equal(
            "No PostgreSQL server binaries were found (looked for pg_config, /usr/lib/postgresql/*/bin, initdb on PATH). "
            + "Install PostgreSQL 15 or newer (Debian/Ubuntu: apt-get install postgresql), or run `docker compose up`, "
            + "or set DATABASE_URL to an existing database.",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void a_directory_missing_the_server_program_is_passed_over()
    {
        using var temp = new TempDirectory();
        var clientOnly = FakeBin(temp.Combine("client"), "initdb", "pg_ctl");
        var complete = FakeBin(temp.Combine("server"), "initdb", "pg_ctl", "postgres");

        var found = PostgresBinaries.Find([clientOnly, complete]);

        Assert.Equal(complete, found.BinDirectory);
        Assert.Equal(Path.Combine(complete, "initdb"), found.InitDb);
        Assert.Equal(Path.Combine(complete, "pg_ctl"), found.PgCtl);
    }

    [Fact]
    public void the_highest_installed_version_comes_first()
    {
        using var temp = new TempDirectory();
        foreach (var version in new[] { "9.6", "15", "10", "17", "not-a-version" })
            Directory.CreateDirectory(temp.Combine(version, "bin"));

        var directories = PostgresBinaries.DebianVersionDirectories(temp.Path).ToList();

        Assert.Equal(
            [temp.Combine("17", "bin"), temp.Combine("15", "bin"), temp.Combine("10", "bin"), temp.Combine("9.6", "bin")],
            directories);
    }

    [Fact]
    public void the_installed_server_on_this_machine_is_found()
    {
        var found = PostgresBinaries.Find();

        Assert.True(File.Exists(found.InitDb));
        Assert.True(File.Exists(found.PgCtl));
        Assert.True(File.Exists(Path.Combine(found.BinDirectory, "postgres")));
    }

    static string FakeBin(string directory, params string[] programs)
    {
        Directory.CreateDirectory(directory);
        foreach (var program in programs)
            File.WriteAllText(Path.Combine(directory, program), "");
        return directory;
    }
}
