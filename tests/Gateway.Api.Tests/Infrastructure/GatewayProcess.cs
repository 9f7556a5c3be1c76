using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Npgsql;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// The built gateway run as a child process, as an operator runs it (<c>dotnet Gateway.Api.dll --port …</c>): the
/// project reference puts Gateway.Api.dll next to this test assembly. For what only a real process shows — how it
/// stops on SIGTERM, what a SIGKILL costs, several nodes on one database. It listens on 127.0.0.1 on a free port,
/// its output is kept for failure messages, and it is killed when disposed, whatever the test did.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    const int SigKill = 9;
    const int SigTerm = 15;
    static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    readonly Process _process;
    readonly Queue<string> _output = new();
    readonly Lock _outputLock = new();

    GatewayProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        Client = MasterKeyClient(BaseUrl);
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
    }

    public string Name { get; }
    public Uri BaseUrl { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>A client of this gateway, with the master key unless a request says otherwise.</summary>
    public HttpClient Client { get; }

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
                return string.Join('\n', _output);
        }
    }

    /// <summary>
    /// Starts the gateway on <paramref name="databaseUrl"/> with <paramref name="configYaml"/> and the tests' master key,
    /// and waits until /health/readiness answers 200. <paramref name="arguments"/> go on its command line.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(
        PostgresFixture postgres, string databaseUrl, string configYaml, string name = "gateway",
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(postgres.Root, "processes", $"{name}-{Guid.NewGuid():N}")).FullName;
        var config = Path.Combine(home, "config.yaml");
        await File.WriteAllTextAsync(config, configYaml);

        // A port found free can be taken before the gateway binds it; then it fails to start, and another is tried.
        for (var attempt = 1; ; attempt++)
        {
            var gateway = Launch(name, home, LocalPorts.Free(), databaseUrl, config, environment, arguments ?? []);
            try
            {
                await gateway.WaitUntilReadyAsync();
                return gateway;
            }
            catch (GatewayNotReady) when (attempt < 3 && gateway.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await gateway.DisposeAsync();
            }
            catch
            {
                await gateway.DisposeAsync();
                throw;
            }
        }
    }

    static GatewayProcess Launch(string name, string home, int port, string databaseUrl, string config,
        IReadOnlyDictionary<string, string>? environment, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.Api.dll"));
        foreach (var argument in (string[])["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments])
            start.ArgumentList.Add(argument);

        // Nothing of the test runner's own settings may leak into the gateway's.
        foreach (var inherited in start.Environment.Keys.ToList())
        {
            if (inherited.StartsWith("GATEWAY_", StringComparison.OrdinalIgnoreCase) || inherited.StartsWith("LITELLM_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || inherited is "DATABASE_URL" or "TEST_DATABASE_URL" or "PORT" or "HOST")
                start.Environment.Remove(inherited);
        }
        start.Environment["DATABASE_URL"] = databaseUrl;
        start.Environment["GATEWAY_MASTER_KEY"] = GatewayTestHost.MasterKey;
        start.Environment["GATEWAY_HOME"] = home;
        start.Environment["GATEWAY_CONFIG"] = config;
        start.Environment["GATEWAY_PORTAL"] = "off";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var gateway = new GatewayProcess(name, process, port);
        try
        {
            process.Start();
        }
        catch
        {
            gateway.Client.Dispose();
            process.Dispose();
            throw;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>The dotnet host that runs these tests (dotnet test names it), else the one on PATH.</summary>
    static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            if (_process.HasExited)
                throw new GatewayNotReady($"{Name} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            if (DateTime.UtcNow > deadline)
                throw new GatewayNotReady($"{Name} was not ready within {StartDeadline.TotalSeconds} s:\n{Output}");
            if (await IsReadyAsync(Client))
                return;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A keep-alive client of <paramref name="baseUrl"/> (a gateway, or a balancer in front of some), with the master key.</summary>
    public static HttpClient MasterKeyClient(Uri baseUrl)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayTestHost.MasterKey);
        return client;
    }

    /// <summary>Whether /health/readiness answers 200 through <paramref name="client"/>; false while nothing listens yet.</summary>
    public static async Task<bool> IsReadyAsync(HttpClient client)
    {
        try
        {
            using var ready = await client.GetAsync("/health/readiness", TestContext.Current.CancellationToken);
            return ready.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM (what Docker, Kubernetes and systemd send to stop a service).</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>Sends SIGKILL: the process ends at once, with no chance to finish anything.</summary>
    public void Kill() => Signal(SigKill);

    void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end; its exit code. Throws, with its output, when it outlives <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (pid {Pid}) was still running {timeout.TotalSeconds} s later:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>A connection to the database the gateway runs on (for assertions on what it stored).</summary>
    public static async Task<NpgsqlConnection> OpenDatabaseAsync(string databaseUrl)
    {
        var connection = new NpgsqlConnection(Gateway.Api.Hosting.DatabaseUrl.ToNpgsqlConnectionString(databaseUrl));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_outputLock)
        {
            _output.Enqueue(line);
            if (_output.Count > 400)
                _output.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        Client.Dispose();
        _process.Dispose();
    }

    // DllImport rather than LibraryImport, which would need unsafe code in the test project for one int-only call.
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    sealed class GatewayNotReady(string message) : Exception(message);
}
