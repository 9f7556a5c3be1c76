namespace Gateway.Api.Tests.Infrastructure;

/// <summary>config.yaml texts on the built-in mock provider, so tests need no upstream.</summary>
public static class MockConfigs
{
    /// <summary>Two model groups on the same mock model, for tests about per-model lists, budgets and limits.</summary>
    public const string TwoModels = """
        model_list:
          - model_name: mock-gpt
            litellm_params: { model: mock/mock-gpt }
          - model_name: mock-gpt-b
            litellm_params: { model: mock/mock-gpt }
        """;

    /// <summary>One mock model and the given <c>litellm_settings</c> block (YAML lines, indented two spaces).</summary>
    public static string WithLitellmSettings(string settings) => $"""
        model_list:
          - model_name: mock-gpt
            litellm_params: {"{"} model: mock/mock-gpt {"}"}
        litellm_settings:
        {settings}
        """;
}

/// <summary>Rate limits count in clock minutes.</summary>
public static class ClockMinute
{
    /// <summary>Waits, when needed, so a test starts well inside a minute and a rollover cannot reset its count.</summary>
    public static async Task StartWellInside()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 55)
            await Task.Delay(TimeSpan.FromSeconds(61 - second), TestContext.Current.CancellationToken);
    }
}
