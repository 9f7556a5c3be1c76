namespace Gateway.Domain.Spend;

/// <summary>LiteLLM's names for the kind of call, as they appear in its spend logs.</summary>
public static class CallTypes
{
    public const string ChatCompletion = "acompletion";
    public const string TextCompletion = "atext_completion";
    public const string Embedding = "aembedding";
}
