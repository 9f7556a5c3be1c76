using Gateway.Api;
using Gateway.Api.Cli;
using Gateway.Api.Config;
using Gateway.Api.Hosting;

// The gateway: an OpenAI-compatible proxy with its admin API and portal.
//   dotnet run --project src/Gateway.Api -- [--config config.yaml] [--port 4000]
// and its verbs: audit, spend, prices, projections (see GatewayCli.Usage).
if (args is ["healthcheck", ..])
    return await Healthcheck.RunAsync();
if (GatewayCli.Handles(args))
    return await GatewayCli.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
using var startupLogs = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var startupLog = startupLogs.CreateLogger("Gateway");

try
{
    builder.AddGateway(startupLog);
}
catch (ConfigException ex)
{
    Console.Error.WriteLine($"error: the gateway cannot start: {ex.Message}");
    return 2;
}
catch (EmbeddedPostgresException ex)
{
    // Includes "no PostgreSQL binaries found", with what to install or set instead.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 3;
}
catch (ArgumentException ex) when (ex.ParamName == "value")
{
    // A DATABASE_URL that cannot be read; the message masks the password.
    Console.Error.WriteLine($"error: DATABASE_URL: {ex.Message}");
    return 2;
}

var port = builder.Configuration["port"] ?? builder.Configuration["PORT"] ?? "4000";
var host = builder.Configuration["host"] ?? builder.Configuration["HOST"] ?? "0.0.0.0";
builder.WebHost.UseUrls($"http://{host}:{port}");

var app = builder.Build();
app.MapGateway();
app.Lifetime.ApplicationStarted.Register(() =>
    startupLog.LogInformation("Gateway listening on http://{Host}:{Port} (OpenAI API at /v1, portal at /ui)", host, port));
await app.RunAsync();
return 0;

/// <summary>Visible to the tests' host builder.</summary>
public partial class Program;
