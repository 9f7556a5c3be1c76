using Microsoft.Extensions.Logging;

namespace Gateway.Api.Hosting;

/// <summary>
/// Log categories that write request URLs are held at Warning whatever the configuration says: LiteLLM's routes carry
/// keys in query strings (<c>/key/info?key=sk-…</c>, <c>/spend/logs?api_key=…</c>) and webhook URLs carry tokens in
/// their paths. ASP.NET's request log ("Request starting … ?key=sk-…") would otherwise print them at Information.
/// </summary>
public static class SecretSafeLogging
{
    static readonly string[] UrlCategories = ["Microsoft.AspNetCore.Hosting.Diagnostics", "System.Net.Http.HttpClient"];

    public static IServiceCollection AddSecretSafeLogging(this IServiceCollection services) =>
        // PostConfigure runs after every Configure (appsettings, Logging__LogLevel__* variables, code), so nothing lowers it.
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            // A provider-specific rule beats a general one, so each provider named in the rules gets its own.
            var providers = options.Rules.Select(rule => rule.ProviderName).Distinct().ToList();
            if (!providers.Contains(null))
                providers.Add(null);
            foreach (var category in UrlCategories)
                foreach (var provider in providers)
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
        });
}
