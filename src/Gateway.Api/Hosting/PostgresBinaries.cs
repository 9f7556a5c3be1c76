using System.Diagnostics;

namespace Gateway.Api.Hosting;

/// <summary>
/// The directory holding an installed PostgreSQL server's programs (initdb, pg_ctl, postgres),
/// from which the gateway runs its private cluster when no DATABASE_URL is given.
/// </summary>
public sealed record PostgresBinaries(string BinDirectory)
{
    static readonly string[] RequiredPrograms = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Path.Combine(BinDirectory, "initdb");
    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    /// <summary>
    /// Looks where PostgreSQL is usually installed: what <c>pg_config --bindir</c> names, the newest
    /// <c>/usr/lib/postgresql/*/bin</c> (Debian, Ubuntu), then initdb on PATH.
    /// </summary>
    public static PostgresBinaries Find() => Find(StandardCandidates());

    /// <summary>The first candidate directory holding all of initdb, pg_ctl and postgres.</summary>
    public static PostgresBinaries Find(IEnumerable<string> candidateDirectories)
    {
        foreach (var directory in candidateDirectories)
        {
            if (HasServerPrograms(directory))
                return new PostgresBinaries(Path.GetFullPath(directory));
        }
        throw new PostgresNotFoundException();
    }

    static bool HasServerPrograms(string directory) =>
        !string.IsNullOrWhiteSpace(directory)
        && RequiredPrograms.All(program => File.Exists(Path.Combine(directory, program)));

    /// <summary>Lazy, so later (costlier) places are only searched when earlier ones fail.</summary>
    internal static IEnumerable<string> StandardCandidates()
    {
        if (FindOnPath("pg_config") is { } pgConfig && BinDirFromPgConfig(pgConfig) is { } bindir)
            yield return bindir;

        foreach (var directory in DebianVersionDirectories("/usr/lib/postgresql"))
            yield return directory;

        // initdb on PATH is often a symlink (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb);
        // the other programs live beside its target, not beside the link.
        if (FindOnPath("initdb") is { } initdb)
        {
            yield return Path.GetDirectoryName(initdb)!;
            if (File.ResolveLinkTarget(initdb, returnFinalTarget: true) is { } target)
                yield return Path.GetDirectoryName(target.FullName)!;
        }
    }

    /// <summary><c>root/&lt;version&gt;/bin</c> directories, highest version first.</summary>
    internal static IEnumerable<string> DebianVersionDirectories(string root)
    {
        if (!Directory.Exists(root))
            return [];
        return Directory.EnumerateDirectories(root)
            .Select(directory => (directory, version: ParseVersion(Path.GetFileName(directory))))
            .Where(candidate => candidate.version is not null)
            .OrderByDescending(candidate => candidate.version)
            .Select(candidate => Path.Combine(candidate.directory, "bin"));
    }

    static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.') ? name : name + ".0", out var version) ? version : null;

    static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    static string? BinDirFromPgConfig(string pgConfig)
    {
        try
        {
            var start = new ProcessStartInfo(pgConfig, "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException)
        {
            // A broken pg_config is no reason to stop looking elsewhere.
            return null;
        }
    }
}

/// <summary>No PostgreSQL server is installed where the gateway looks; the message says what to do.</summary>
public sealed class PostgresNotFoundException() : EmbeddedPostgresException(
    "No PostgreSQL server binaries were found (looked for pg_config, /usr/lib/postgresql/*/bin, initdb on PATH). "
    + "Install PostgreSQL 15 or newer (Debian/Ubuntu: apt-get install postgresql), or run `docker compose up`, "
    + "or set DATABASE_URL to an existing database.");
