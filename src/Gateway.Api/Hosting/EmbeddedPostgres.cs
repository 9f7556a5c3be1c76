using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Api.Hosting;

/// <summary>
/// A private PostgreSQL cluster run from the installed server binaries, for a gateway started without
/// DATABASE_URL. Layout under the root directory (the gateway uses <c>./.gateway</c>):
/// <c>postgres/data</c> (the cluster), <c>postgres/server.log</c>, <c>postgres.password</c> (the superuser's
/// password, mode 0600). It listens on 127.0.0.1 only, on a free port, with no unix socket.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    public const string GatewayDatabase = "gateway";
    const string Superuser = "postgres";
    const string PostgresUser = "postgres";
    const int StartAttempts = 10;

    readonly ClusterCommands _commands;
    readonly string _password;
    readonly SemaphoreSlim _stopping = new(1, 1);
    bool _stopped;

    EmbeddedPostgres(ClusterCommands commands, string password, int port, bool wasAlreadyRunning)
    {
        _commands = commands;
        _password = password;
        Port = port;
        WasAlreadyRunning = wasAlreadyRunning;
        ConnectionString = ConnectionStringFor(GatewayDatabase);
    }

    /// <summary>Npgsql connection string for the <c>gateway</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    public string DataDirectory => _commands.Files.Data;

    /// <summary>True when a cluster left running (by a gateway that was killed) was taken over.</summary>
    public bool WasAlreadyRunning { get; }

    public static Task<EmbeddedPostgres> StartAsync(string rootDirectory, ILogger logger, CancellationToken ct) =>
        StartAsync(rootDirectory, PostgresBinaries.Find(), logger, ct);

    /// <summary>
    /// Creates the cluster on first use, starts it (or takes over one already running from this directory),
    /// and makes sure the <c>gateway</c> database exists.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(
        string rootDirectory, PostgresBinaries binaries, ILogger logger, CancellationToken ct)
    {
        var files = new ClusterFiles(Path.GetFullPath(rootDirectory));
        Directory.CreateDirectory(files.Postgres);
        var commands = new ClusterCommands(binaries, files,
            RunAsPostgresUser: Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows());

        if (commands.RunAsPostgresUser)
            await commands.HandOverToPostgresUserAsync(ct);

        var password = ReadOrCreatePassword(files);
        var created = false;
        if (!files.IsInitialized)
        {
            await commands.InitDbAsync(password, ct);
            created = true;
        }

        var runningPort = await commands.RunningPortAsync(ct);
        var port = runningPort ?? await commands.StartOnFreePortAsync(ct);

        var postgres = new EmbeddedPostgres(commands, password, port, wasAlreadyRunning: runningPort is not null);
        try
        {
            await postgres.CreateDatabaseAsync(GatewayDatabase, ct);
        }
        catch (NpgsqlException exception)
        {
            if (runningPort is null)
                await postgres.StopAsync();
            var server = runningPort is null ? "The PostgreSQL server just started" : "The PostgreSQL server already running";
            throw new EmbeddedPostgresException(
                $"{server} from {files.Data} on 127.0.0.1:{port} could not be used: {exception.Message} "
                + $"If it is left over from an earlier run, stop it (`pg_ctl -D {files.Data} stop`) and try again; "
                + $"its log is {files.ServerLog}.", exception);
        }

        var how = created ? "created and started" : runningPort is not null ? "already running, reused" : "started";
        LogReady(logger, files.Data, how, port);
        return postgres;
    }

    /// <summary>Creates the database if it is missing and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        // PostgreSQL would silently cut a longer name to 63 bytes.
        if (string.IsNullOrWhiteSpace(name) || Encoding.UTF8.GetByteCount(name) > 63 || name.Contains('\0'))
            throw new ArgumentException("A database name is 1 to 63 bytes long.", nameof(name));

        await using var connection = await OpenAdminConnectionAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = name });
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently by someone else: what we wanted.
            }
        }
        return ConnectionStringFor(name);
    }

    /// <summary>Stops the cluster (fast shutdown: open sessions are ended). Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        await _stopping.WaitAsync();
        try
        {
            if (_stopped)
                return;
            if (await _commands.IsRunningAsync(CancellationToken.None))
                await _commands.StopAsync(CancellationToken.None);
            _stopped = true;
        }
        finally
        {
            _stopping.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = Superuser,
        Password = _password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// A connection to the <c>postgres</c> database, outside the pool so no idle session outlives its use.
    /// A cluster taken over may still be finishing its startup: wait for it briefly.
    /// </summary>
    async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false }.ConnectionString;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(ct);
                return connection;
            }
            catch (Exception exception) when (IsStillStarting(exception) && DateTime.UtcNow < deadline)
            {
                await connection.DisposeAsync();
                await Task.Delay(200, ct);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    static bool IsStillStarting(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow }
        || exception is NpgsqlException { InnerException: SocketException };

    static string ReadOrCreatePassword(ClusterFiles files)
    {
        if (File.Exists(files.PasswordFile))
        {
            var stored = File.ReadAllText(files.PasswordFile).Trim();
            if (stored.Length > 0)
                return stored;
        }
        if (files.IsInitialized)
        {
            throw new EmbeddedPostgresException(
                $"The PostgreSQL cluster in {files.Data} exists but its password file {files.PasswordFile} is missing. "
                + $"Restore the file, or delete {files.Postgres} to start with an empty database.");
        }

        var password = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        WriteOwnerOnly(files.PasswordFile, password + "\n");
        return password;
    }

    /// <summary>Writes a file created with mode 0600, so its secret is never readable by others.</summary>
    static void WriteOwnerOnly(string path, string content)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        using var writer = new StreamWriter(file);
        writer.Write(content);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL cluster in {DataDirectory} {How}, listening on 127.0.0.1:{Port}")]
    static partial void LogReady(ILogger logger, string dataDirectory, string how, int port);

    /// <summary>Where the cluster's files live under the root directory.</summary>
    sealed record ClusterFiles(string Root)
    {
        public string Postgres => Path.Combine(Root, "postgres");
        public string Data => Path.Combine(Postgres, "data");
        public string ServerLog => Path.Combine(Postgres, "server.log");
        public string PasswordFile => Path.Combine(Root, "postgres.password");
        public string PostmasterPid => Path.Combine(Data, "postmaster.pid");
        public string InitDbPasswordFile => Path.Combine(Postgres, "initdb.pwfile");
        public bool IsInitialized => File.Exists(Path.Combine(Data, "PG_VERSION"));
    }

    /// <summary>
    /// The server programs, run directly or, when the gateway runs as root (which initdb and pg_ctl refuse),
    /// as the <c>postgres</c> user through runuser.
    /// </summary>
    sealed record ClusterCommands(PostgresBinaries Binaries, ClusterFiles Files, bool RunAsPostgresUser)
    {
        public async Task HandOverToPostgresUserAsync(CancellationToken ct)
        {
            var id = await RunAsync("id", ["-u", PostgresUser], ct);
            if (id.ExitCode != 0)
            {
                throw new EmbeddedPostgresException(
                    "PostgreSQL refuses to run as root, and there is no 'postgres' user to run it as. "
                    + "Install PostgreSQL from your distribution's packages (it creates that user), run the gateway "
                    + "as a regular user, or set DATABASE_URL to an existing database.");
            }

            await CheckedAsync("chown", ["-R", PostgresUser, Files.Postgres], ct);
            await CheckPostgresUserCanReachAsync(ct);
        }

        /// <summary>Names the first directory on the way that the postgres user may not enter.</summary>
        async Task CheckPostgresUserCanReachAsync(CancellationToken ct)
        {
            var target = Files.Postgres;
            var reachable = await AsPostgresUserAsync("test", ["-r", target, "-a", "-w", target, "-a", "-x", target], ct);
            if (reachable.ExitCode == 0)
                return;

            var blocked = target;
            foreach (var directory in SelfAndAncestors(target).Reverse())
            {
                var enterable = await AsPostgresUserAsync("test", ["-x", directory], ct);
                if (enterable.ExitCode != 0)
                {
                    blocked = directory;
                    break;
                }
            }
            throw new EmbeddedPostgresException(
                $"PostgreSQL must run as the 'postgres' user because the gateway runs as root, but that user cannot "
                + $"enter {blocked}, so it cannot reach {target}. Let it in (for example `chmod o+x {blocked}`), "
                + "start the gateway from a directory it can reach (the cluster lives in ./.gateway), "
                + "or set DATABASE_URL to an existing database.");
        }

        static IEnumerable<string> SelfAndAncestors(string directory)
        {
            for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
                yield return current;
        }

        public async Task InitDbAsync(string password, CancellationToken ct)
        {
            // initdb leaves nothing behind when it fails, so a data directory without PG_VERSION is debris.
            if (Directory.Exists(Files.Data))
                Directory.Delete(Files.Data, recursive: true);

            WriteOwnerOnly(Files.InitDbPasswordFile, password + "\n");
            try
            {
                if (RunAsPostgresUser)
                    await CheckedAsync("chown", [PostgresUser, Files.InitDbPasswordFile], ct);
                await CheckedAsPostgresUserAsync(Binaries.InitDb,
                    ["-D", Files.Data, "-U", Superuser, "--auth=scram-sha-256", $"--pwfile={Files.InitDbPasswordFile}",
                        "-E", "UTF8", "--no-locale"], ct);
            }
            finally
            {
                File.Delete(Files.InitDbPasswordFile);
            }
        }

        /// <summary>The port of a cluster already running from this data directory, if there is one.</summary>
        public async Task<int?> RunningPortAsync(CancellationToken ct)
        {
            if (!File.Exists(Files.PostmasterPid) || !await IsRunningAsync(ct))
                return null;

            // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ...
            var lines = await File.ReadAllLinesAsync(Files.PostmasterPid, ct);
            if (lines.Length >= 4 && int.TryParse(lines[3].Trim(), out var port))
                return port;
            throw new EmbeddedPostgresException(
                $"A PostgreSQL server is running from {Files.Data}, but its port cannot be read from {Files.PostmasterPid}. "
                + $"Stop it (`pg_ctl -D {Files.Data} stop`) and start the gateway again.");
        }

        public async Task<bool> IsRunningAsync(CancellationToken ct)
        {
            if (!File.Exists(Files.PostmasterPid) || await PostmasterIsDeadAsync(ct))
                return false;
            // pg_ctl status: 0 running, 3 not running, 4 no data directory.
            var status = await AsPostgresUserAsync(Binaries.PgCtl, ["-D", Files.Data, "status"], ct);
            return status.ExitCode == 0;
        }

        /// <summary>
        /// A killed postmaster stays a zombie until it is reaped, and pg_ctl status counts a zombie as running.
        /// Linux shows the state in /proc; elsewhere trust pg_ctl.
        /// </summary>
        async Task<bool> PostmasterIsDeadAsync(CancellationToken ct)
        {
            try
            {
                var firstLine = (await File.ReadAllLinesAsync(Files.PostmasterPid, ct)).FirstOrDefault();
                if (!int.TryParse(firstLine, out var pid) || !OperatingSystem.IsLinux())
                    return false;
                // "pid (command) state ...": the state follows the last ')'.
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", ct);
                var state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
                return state.StartsWith('Z') || state.StartsWith('X');
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                // The server removed its postmaster.pid, or the process is gone.
                return true;
            }
        }

        /// <summary>
        /// Starts on a free port. Tries again when another program took that port first, or when the server
        /// killed last time has not yet been reaped (its postmaster.pid still names a live-looking process).
        /// </summary>
        public async Task<int> StartOnFreePortAsync(CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var logLength = File.Exists(Files.ServerLog) ? new FileInfo(Files.ServerLog).Length : 0;
                var result = await AsPostgresUserAsync(Binaries.PgCtl,
                    ["-D", Files.Data, "-l", Files.ServerLog, "-w", "-t", "30",
                        // -k '' turns off the unix socket: no /var/run/postgresql to own or share.
                        "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k ''", "start"], ct);
                if (result.ExitCode == 0)
                    return port;

                var log = await ReadLogFromAsync(logLength, ct);
                if (attempt < StartAttempts && log.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                    continue;
                if (attempt < StartAttempts && log.Contains("lock file \"postmaster.pid\" already exists", StringComparison.Ordinal))
                {
                    await Task.Delay(500, ct);
                    continue;
                }
                throw result.Failure($"{Files.ServerLog} (new lines):\n{Tail(log)}");
            }
        }

        public async Task StopAsync(CancellationToken ct) =>
            await CheckedAsPostgresUserAsync(Binaries.PgCtl, ["-D", Files.Data, "stop", "-m", "fast", "-w"], ct);

        async Task<string> ReadLogFromAsync(long offset, CancellationToken ct)
        {
            if (!File.Exists(Files.ServerLog))
                return "";
            await using var log = new FileStream(Files.ServerLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            log.Seek(Math.Min(offset, log.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(log);
            return await reader.ReadToEndAsync(ct);
        }

        static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        async Task CheckedAsPostgresUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
        {
            var result = await AsPostgresUserAsync(program, arguments, ct);
            if (result.ExitCode != 0)
                throw result.Failure();
        }

        Task<CommandResult> AsPostgresUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct) =>
            RunAsPostgresUser
                ? RunAsync("runuser", ["-u", PostgresUser, "--", program, .. arguments], ct)
                : RunAsync(program, arguments, ct);

        async Task CheckedAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
        {
            var result = await RunAsync(program, arguments, ct);
            if (result.ExitCode != 0)
                throw result.Failure();
        }

        async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // The postgres user may not be allowed into the gateway's working directory.
                WorkingDirectory = Files.Postgres,
            };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);

            var commandLine = string.Join(' ', [program, .. arguments.Select(Quote)]);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new EmbeddedPostgresException($"Could not run `{commandLine}`.");
            }
            catch (System.ComponentModel.Win32Exception exception)
            {
                throw new EmbeddedPostgresException($"Could not run `{commandLine}`: {exception.Message}.");
            }

            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
                try
                {
                    await process.WaitForExitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw;
                }
                return new CommandResult(commandLine, process.ExitCode, await output, await error);
            }
        }

        static string Quote(string argument) =>
            argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"') ? argument : $"\"{argument}\"";
    }

    sealed record CommandResult(string CommandLine, int ExitCode, string Output, string Error)
    {
        public EmbeddedPostgresException Failure(string? more = null)
        {
            var message = $"`{CommandLine}` failed with exit code {ExitCode}.";
            var output = Tail((Error + "\n" + Output).Trim());
            if (output.Length > 0)
                message += $"\n{output}";
            if (!string.IsNullOrWhiteSpace(more))
                message += $"\n{more}";
            return new EmbeddedPostgresException(message);
        }
    }

    static string Tail(string text, int lines = 20)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}

/// <summary>The private PostgreSQL cluster could not be set up or started; the message says why and what to do.</summary>
public class EmbeddedPostgresException(string message, Exception? innerException = null) : Exception(message, innerException);
