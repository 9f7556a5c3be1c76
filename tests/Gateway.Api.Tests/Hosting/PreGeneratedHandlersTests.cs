using System.Runtime.CompilerServices;
using Gateway.Api.Tests.Infrastructure;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Gateway.Api.Tests.Hosting;

/// <summary>
/// Wolverine turns each admin endpoint and message handler into generated code. Compiling that with Roslyn at runtime
/// costs about 180 MB of resident memory on the first admin call, so the gateway ships it pre-generated in
/// src/Gateway.Api/Internal/Generated. Nothing in Wolverine notices when those files go stale (a new endpoint, a changed
/// signature, new middleware), so this test does: it generates the code from the app as it is and compares. To write
/// the files afresh:
/// <c>GATEWAY_WRITE_GENERATED=1 dotnet test --project tests/Gateway.Api.Tests -- --filter-class "*PreGeneratedHandlersTests"</c>
/// </summary>
public sealed class PreGeneratedHandlersTests(PostgresFixture postgres)
{
    static string CommittedFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src", "Gateway.Api", "Internal", "Generated"));

    /// <summary>Generates every handler into <paramref name="folder"/> from an app built as Program builds it, not started (as Wolverine's own codegen command does).</summary>
    async Task GenerateInto(string folder)
    {
        var builder = await GatewayTestHost.BuilderAsync(postgres);
        await using var app = builder.Build();
        app.MapGateway();

        app.Services.GetRequiredService<WolverineOptions>().CodeGeneration.GeneratedCodeOutputPath = folder;
        var code = new DynamicCodeBuilder(app.Services, [.. app.Services.GetServices<ICodeFileCollection>()])
        {
            ServiceVariableSource = app.Services.GetService<IServiceVariableSource>(),
        };
        code.DeleteAllGeneratedCode();
        code.WriteGeneratedCode(_ => { });
    }

    static SortedDictionary<string, string> Files(string folder) => new(
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(folder, file), File.ReadAllText),
        StringComparer.Ordinal);

    [Fact]
    public async Task the_committed_handlers_are_what_the_app_generates_now()
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_WRITE_GENERATED") == "1")
        {
            await GenerateInto(CommittedFolder());
            return;
        }

        var fresh = Directory.CreateTempSubdirectory("codegen-").FullName;
        await GenerateInto(fresh);
        var expected = Files(fresh);
        var committed = Files(CommittedFolder());
        Assert.NotEmpty(expected);

        const string fix = "regenerate them: GATEWAY_WRITE_GENERATED=1 dotnet test --project tests/Gateway.Api.Tests -- --filter-class \"*PreGeneratedHandlersTests\"";
        Assert.True(expected.Keys.SequenceEqual(committed.Keys),
            $"The pre-generated handlers in src/Gateway.Api/Internal/Generated are not the ones the app has ({fix}). " +
            $"Missing: {string.Join(", ", expected.Keys.Except(committed.Keys))}; stale: {string.Join(", ", committed.Keys.Except(expected.Keys))}");
        foreach (var (file, code) in expected)
            Assert.True(code == committed[file], $"{file} is stale ({fix})");
    }
}
