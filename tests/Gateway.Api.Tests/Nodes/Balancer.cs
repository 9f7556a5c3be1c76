using System.Diagnostics;
using System.Text.RegularExpressions;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// Debian's haproxy on 127.0.0.1 and a free port, running the shipped <c>deploy/nodes/haproxy.cfg</c> (the project
/// copies it next to the tests) in front of two gateway processes. Only the nodes' addresses and the listening address
/// are replaced, so what is tested is what the compose profile runs: its health checks, retries and timeouts. Its log
/// (a line per call, a line per server state change) is kept; it is killed by its process id when disposed.
/// </summary>
public sealed partial class Balancer : IAsyncDisposable
{
    const string Binary = "/usr/sbin/haproxy";
    static readonly string ShippedConfig = Path.Combine(AppContext.BaseDirectory, "deploy", "nodes", "haproxy.cfg");

    readonly Process _process;
    readonly string _directory;
    readonly Lock _lock = new();
    readonly List<string> _output = [];
    readonly List<(DateTime At, string Line)> _stateChanges = [];

    Balancer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        Client = GatewayProcess.MasterKeyClient(BaseUrl);
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client of the balancer (keep-alive, as SDKs are), with the master key.</summary>
    public HttpClient Client { get; }

    /// <summary>Everything haproxy wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
                return string.Join('\n', _output.TakeLast(200));
        }
    }

    /// <summary>When haproxy said that <paramref name="server"/> (gateway-1 or gateway-2) of the API went down; null if it has not.</summary>
    public DateTime? WentDownAt(string server)
    {
        lock (_lock)
            return _stateChanges.FirstOrDefault(c => c.Line.Contains($"Server api/{server} is DOWN", StringComparison.Ordinal)).At is { Ticks: > 0 } at ? at : null;
    }

    /// <summary>Calls haproxy logged as served by <paramref name="server"/> of the API.</summary>
    public int CallsServedBy(string server)
    {
        lock (_lock)
            return _output.Count(line => line.Contains($" api/{server} ", StringComparison.Ordinal) && line.Contains("/chat/completions", StringComparison.Ordinal));
    }

    /// <summary>Calls haproxy logged as sent to another server after a failed connection (the retries field with a '+').</summary>
    public int CallsRedispatched()
    {
        lock (_lock)
            return _output.Count(line => line.Contains("/chat/completions", StringComparison.Ordinal) && Redispatched().IsMatch(line));
    }

    /// <summary>
    /// Starts haproxy with the shipped configuration, <paramref name="first"/> as <c>gateway-1</c> and
    /// <paramref name="second"/> as <c>gateway-2</c>, and waits until it forwards calls.
    /// </summary>
    public static async Task<Balancer> StartAsync(GatewayProcess first, GatewayProcess second)
    {
        if (!File.Exists(Binary))
        {
            var message = $"{Binary} is not installed; the balancer tests need Debian's haproxy (apt-get install -y haproxy; .ci/run does this).";
            if (InCi)
                Assert.Fail(message);
            Assert.Skip(message);
        }
        var shipped = await File.ReadAllTextAsync(ShippedConfig, TestContext.Current.CancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var port = LocalPorts.Free();
            var config = Replace(Replace(Replace(shipped,
                "gateway-1:4000", $"127.0.0.1:{first.BaseUrl.Port}", expected: 2),
                "gateway-2:4000", $"127.0.0.1:{second.BaseUrl.Port}", expected: 2),
                "bind :4000", $"bind 127.0.0.1:{port}", expected: 1);
            var balancer = Launch(config, port);
            try
            {
                await balancer.WaitUntilForwardingAsync();
                return balancer;
            }
            catch (BalancerNotReady) when (attempt < 3 && balancer.Output.Contains("cannot bind", StringComparison.OrdinalIgnoreCase))
            {
                await balancer.DisposeAsync();
            }
            catch
            {
                await balancer.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The shipped file must still name what the compose profile names; a silent no-op would test nothing.</summary>
    static string Replace(string config, string shipped, string replacement, int expected)
    {
        var found = Regex.Count(config, Regex.Escape(shipped));
        Assert.True(found == expected, $"deploy/nodes/haproxy.cfg names '{shipped}' {found} times, {expected} expected: the test substitutes it");
        return config.Replace(shipped, replacement, StringComparison.Ordinal);
    }

    static Balancer Launch(string config, int port)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-haproxy-").FullName;
        var path = Path.Combine(directory, "haproxy.cfg");
        File.WriteAllText(path, config);
        // -db: in the foreground, logging to this process's output (the config logs to stdout).
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-db", "-f", path })
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var balancer = new Balancer(process, directory, port);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return balancer;
    }

    async Task WaitUntilForwardingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
                throw new BalancerNotReady($"haproxy exited with code {_process.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline)
                throw new BalancerNotReady($"haproxy did not forward to the nodes within 30 s:\n{Output}");
            if (await GatewayProcess.IsReadyAsync(Client))
                return;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lock)
        {
            _output.Add(line);
            if (line.Contains(" is DOWN", StringComparison.Ordinal) || line.Contains(" is UP", StringComparison.Ordinal))
                _stateChanges.Add((DateTime.UtcNow, line));
        }
    }

    static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    // httplog's connection counts end with the retries: "+1" when the call went to another server after a failure.
    [GeneratedRegex(@" \d+/\d+/\d+/\d+/\+\d+ ")]
    private static partial Regex Redispatched();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        Client.Dispose();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    sealed class BalancerNotReady(string message) : Exception(message);
}
