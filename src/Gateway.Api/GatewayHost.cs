using Gateway.Api.Access;
using Gateway.Api.Admin;
using Gateway.Api.Alerts;
using Gateway.Api.Audit;
using Gateway.Api.Draining;
using Gateway.Api.Errors;
using Gateway.Api.Events;
using Gateway.Api.Health;
using Gateway.Api.Hosting;
using Gateway.Api.Keys;
using Gateway.Api.Limits;
using Gateway.Api.Limits.Shared;
using Gateway.Api.Messages;
using Gateway.Api.Providers;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Gateway.Domain;
using Gateway.Portal;
using Gateway.Portal.KeyRing;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Marten;


namespace Gateway.Api;

/// <summary>
/// The gateway's composition, shared by Program and the tests, so the tests boot exactly the app users run.
/// </summary>
public static class GatewayHost
{
    /// <summary>Resolves settings, brings up the database (the embedded one when none is given) and registers services.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder, ILogger startupLog)
    {
        var settings = GatewaySettings.Resolve(builder.Configuration);
        var services = builder.Services;

        // Marten logs its whole schema script at Information; a start-up should read as a few lines.
        foreach (var noisy in new[] { "Microsoft.AspNetCore", "Microsoft.AspNetCore.DataProtection" })
            builder.Logging.AddFilter(noisy, LogLevel.Warning);
        // The same for the database libraries, whose retries also stay out of the log while PostgreSQL is down.
        var outageLogs = new OutageLogFilter();
        foreach (var library in OutageLogFilter.Libraries)
            builder.Logging.AddFilter(library, outageLogs.Allows);

        services.AddSecretSafeLogging();

        foreach (var warning in settings.Config.Warnings)
            startupLog.LogWarning("config: {Warning}", warning);

        // The embedded cluster is registered first so that it is stopped last (hosted services stop in reverse).
        var connectionString = settings.DatabaseUrl is { } url
            ? DatabaseUrl.ToNpgsqlConnectionString(url)
            : StartEmbeddedPostgres(services, settings, startupLog);

        var masterKey = settings.MasterKey ?? GeneratedMasterKey(settings, startupLog);

        services.AddSingleton(settings);
        services.AddDraining(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BudgetAlerts>();
        services.AddSingleton<IBudgetAlertSink>(sp => sp.GetRequiredService<BudgetAlerts>());
        services.AddSingleton(sp => new BudgetLedger(sp.GetRequiredService<IBudgetAlertSink>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RateLimiter>();
        services.AddSharedLimits(settings, connectionString);
        services.AddSingleton<BudgetSeeder>();
        services.AddSingleton<KeyDirectory>();
        services.AddSingleton<Roster>();
        services.AddSingleton<AccessRefresh>();
        services.AddSingleton(ProxyBudget.From(settings.Config.Litellm));
        services.AddSingleton<CallLimits>();
        services.AddSingleton<BudgetWebhooks>();
        services.AddHttpClient(SendBudgetWebhookHandler.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        // Wrong keys per client (and, in the portal, failed sign-ins) are limited; see FailedAuthentications.
        services.AddSingleton(settings.FailedAuthLimit);
        services.AddSingleton<FailedAuthentications>();
        services.AddSingleton(sp => new Authenticator(masterKey, sp.GetRequiredService<KeyDirectory>(),
            sp.GetRequiredService<Roster>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<FailedAuthentications>(),
            sp.GetRequiredService<DatabaseOutage>()));
        services.AddSingleton(new ProxyOptions(settings.MaxRequestBytes, settings.MaxResponseBytes, settings.MaxJsonDepth));
        services.AddSingleton<UpstreamClients>();
        services.AddSingleton(sp => new ProviderCatalog(sp.GetRequiredService<UpstreamClients>(), settings.MaxResponseBytes, settings.Environment));
        services.AddSingleton(sp => ActivePrices.Load(settings, sp.GetRequiredService<IDocumentStore>()));
        // config.yaml's deployments, joined by those added at runtime (StoredDeployments) whenever one changes.
        services.AddSingleton(sp => new DeploymentCatalog(DeploymentTableBuilder.Build(
            settings.Config, sp.GetRequiredService<Gateway.Domain.Pricing.ActivePriceSheet>().Sheet, sp.GetRequiredService<ProviderCatalog>(), settings.Environment,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeploymentTableBuilder)))));
        services.AddSingleton(SaltKey.SealFor(settings, masterKey));
        services.AddSingleton<StoredDeployments>();
        services.AddSingleton<Gateway.Portal.Features.Models.IServedModels, ServedModels>();
        services.AddSingleton(RouterPolicy.From(settings.Config));
        services.AddSingleton<DeploymentHealth>();
        services.AddSingleton(sp => new DeploymentLoad(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RouterPolicy>().LatencySamples));
        services.AddSingleton<Router>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BackgroundHealthChecks>(sp, settings.Config.General));
        services.AddSingleton<ProxyHandler>();
        services.AddSingleton(new HealthDatabase(connectionString));
        // Cost audits by replay, for the portal (the CLI builds its own): calls repriced as these deployments would price them.
        services.AddSingleton(sp => new Gateway.Domain.Audit.CostAudit(sp.GetRequiredService<IDocumentStore>(),
            sheet => DeploymentPrices.For(settings.Config, sheet, sp.GetRequiredService<ProviderCatalog>(), settings.Environment,
                sp.GetRequiredService<StoredDeployments>().PricedUnder(sheet))));

        services.AddSingleton(new EventQueueOptions());
        services.AddSingleton<EventQueue>();
        services.AddSingleton(outageLogs);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DatabaseOutage>(sp, settings.AllowRequestsOnDbUnavailable));
        services.AddSingleton<EventWriter>();
        services.AddSingleton(GatewayNode.New());
        services.AddSingleton<FeedSpend>();
        services.AddSingleton<FeedPosition>();
        services.AddSingleton<EventFeed>();
        services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.ConfigureGateway();
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                // Call events name the node that served them (see EventFeed).
                options.Events.MetadataConfig.HeadersEnabled = true;
                // A standby node tries for the projections' leadership locks this often (Marten's default is 5 s):
                // when the leader dies, the spend rollups move to another node within a second or two (docs/multi-node.md).
                options.Projections.LeadershipPollingTime = 1_000;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Spend rollups are async projections; HotCold runs each on one node of many.
            .AddAsyncDaemon(JasperFx.Events.Daemon.DaemonMode.HotCold)
            .IntegrateWithWolverine();
        // Admin commands on this node reach the in-memory keys, teams, users and customers as soon as they commit.
        services.ConfigureMarten((sp, options) => options.Listeners.Add(new AccessListener(sp)));
        services.ConfigureMarten((sp, options) => options.Listeners.Add(new DeploymentListener(sp)));
        // Admin commands run as Wolverine HTTP endpoints, their side effects through Marten in one transaction.
        builder.UseWolverine(wolverine =>
        {
            wolverine.ApplicationAssembly = typeof(GatewayHost).Assembly; // tests boot from another entry assembly
            // Handlers are pre-generated in Internal/Generated (PreGeneratedHandlersTests keeps them current): compiling
            // them with Roslyn on the first admin call cost about 180 MB of resident memory. Runtime compilation stays
            // as the fallback for a handler missing there, and never writes source files into a deployment.
            wolverine.UseRuntimeCompilation();
            wolverine.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Auto;
            wolverine.CodeGeneration.SourceCodeWritingEnabled = false;
            wolverine.Policies.AutoApplyTransactions();
            wolverine.Policies.UseDurableLocalQueues();
            // Two nodes noticing the same alert race to start its stream; the loser has nothing left to do.
            wolverine.OnException<Marten.Exceptions.ExistingStreamIdCollisionException>().Discard();
            // A webhook receiver that is down gets the alert later; after the last delay it goes to the dead letters.
            wolverine.OnException<WebhookDeliveryFailed>().RetryWithCooldown([.. settings.WebhookRetryDelays]);
        });
        services.AddWolverineHttp();
        // Before AddProblemDetails: writers are asked in registration order.
        services.AddSingleton<IProblemDetailsWriter, ApiErrorProblemDetailsWriter>();
        services.AddProblemDetails();
        // After Marten's own hosted services, so on shutdown the writer drains while the store is still up.
        services.AddHostedService(sp => sp.GetRequiredService<EventWriter>());
        // The feed notes where the store ends before the loader reads the snapshots, so nothing falls between them.
        services.AddHostedService(sp => sp.GetRequiredService<EventFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<StoredDeployments>());
        services.AddHostedService<PriceSheetPublisher>();
        services.AddHostedService<AccessLoader>();
        services.AddHostedService<BudgetAlertWriter>();
        services.AddHostedService<BudgetWindowWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundHealthChecks>());

        if (PortalEnabled(builder.Configuration))
        {
            services.AddGatewayPortal(PortalSettings(builder.Configuration, masterKey));
            // Sign-in cookies and antiforgery tokens issued by any node are good on every node of this database.
            services.AddPortalKeyRing(masterKey);
        }

        // Our body limit answers with an OpenAI-shaped 413; Kestrel's own would cut the connection with an empty body.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseDrainingConnections();
        // The client's address, for limits on failed authentication, is the connection's unless a trusted proxy forwarded it.
        if (app.Services.GetRequiredService<GatewaySettings>().TrustedProxies is { Count: > 0 } proxies)
            app.UseForwardedHeaders(TrustedForwarding(proxies));

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                ApiError error;
                if (exception is BadHttpRequestException bad)
                    error = new ApiError(bad.StatusCode, "invalid_request_error", $"Bad request: {bad.Message}", null, null);
                else if (exception is not null && DatabaseOutage.IsConnectionFailure(exception))
                {
                    // An admin command or read during an outage: a 503 to retry, and the outage said once, not per request.
                    context.RequestServices.GetRequiredService<DatabaseOutage>().Unreachable(exception);
                    error = ApiError.DatabaseUnreachable();
                }
                else
                    error = ApiError.Internal();
                return ApiErrorWriter.WriteAsync(context, error);
            },
            SuppressDiagnosticsCallback = context => DatabaseOutage.IsConnectionFailure(context.Exception),
        });

        // Before routing, which would otherwise pick a 415 for a JSON endpoint hit with a form Content-Type.
        app.UseJsonBodiesOnAdminRoutes();
        app.UseRouting();

        var proxy = app.Services.GetRequiredService<ProxyHandler>();
        foreach (var prefix in new[] { "/v1", "" })
        {
            app.MapPost($"{prefix}/chat/completions", context => proxy.HandleAsync(context, OpenAIEndpoint.ChatCompletions));
            app.MapPost($"{prefix}/completions", context => proxy.HandleAsync(context, OpenAIEndpoint.Completions));
            app.MapPost($"{prefix}/embeddings", context => proxy.HandleAsync(context, OpenAIEndpoint.Embeddings));
            app.MapGet($"{prefix}/models", ModelsEndpoint.List);
            app.MapMessages(prefix, proxy);
        }
        app.MapPost("/engines/{model}/chat/completions", context => proxy.HandleAsync(context, OpenAIEndpoint.ChatCompletions));
        app.MapHealth();
        app.MapDeploymentHealth();
        app.MapWolverineEndpoints(http => http.AddMiddleware(typeof(AdminCaller)));

        if (PortalEnabled(app.Configuration))
            app.MapGatewayPortal();

        // Unknown API routes get an OpenAI-shaped 404 rather than an empty body.
        app.Map("/v1/{**rest}", (HttpContext context) => ApiError.NotFound(context.Request.Path).AsResult());
        return app;
    }

    /// <summary>Only X-Forwarded-For, and only from the configured proxies (ASP.NET's loopback defaults are dropped).</summary>
    static ForwardedHeadersOptions TrustedForwarding(IReadOnlyList<System.Net.IPNetwork> proxies)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
            options.KnownIPNetworks.Add(proxy);
        return options;
    }

    /// <summary>Proxy-only nodes turn the portal off with GATEWAY_PORTAL=off (or false/0).</summary>
    static bool PortalEnabled(IConfiguration configuration) =>
        configuration["GATEWAY_PORTAL"]?.Trim().ToLowerInvariant() is not ("off" or "false" or "0" or "disabled");

    /// <summary>The portal's admin signs in as UI_USERNAME/UI_PASSWORD, by default "admin" with the master key.</summary>
    static Gateway.Portal.Features.Access.PortalOptions PortalSettings(IConfiguration configuration, string masterKey) => new(
        Gateway.Portal.Features.Access.AdminCredentials.From(configuration["UI_USERNAME"], configuration["UI_PASSWORD"], masterKey),
        Gateway.Domain.Keys.KeyPlaintext.Hash(masterKey));

    static string StartEmbeddedPostgres(IServiceCollection services, GatewaySettings settings, ILogger log)
    {
        log.LogInformation("No DATABASE_URL given: starting a private PostgreSQL cluster under {Directory}", settings.StateDirectory);
        var postgres = EmbeddedPostgres.StartAsync(settings.StateDirectory, log, CancellationToken.None).GetAwaiter().GetResult();
        services.AddSingleton(postgres);
        services.AddHostedService<EmbeddedPostgresLifetime>();
        return postgres.ConnectionString;
    }

    static string GeneratedMasterKey(GatewaySettings settings, ILogger log)
    {
        var key = MasterKeyFile.LoadOrCreate(settings.StateDirectory, out var created);
        var path = Path.Combine(settings.StateDirectory, "master_key");
        if (created)
        {
            Console.WriteLine();
            Console.WriteLine("  No master key was configured, so one was generated. It is shown only this once:");
            Console.WriteLine();
            Console.WriteLine($"      {key}");
            Console.WriteLine();
            Console.WriteLine($"  It is kept in {path} (mode 0600). Set GATEWAY_MASTER_KEY to use your own.");
            Console.WriteLine();
        }
        else
        {
            log.LogInformation("Using the generated master key kept in {Path}", path);
        }
        return key;
    }
}
