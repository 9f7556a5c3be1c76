namespace Gateway.Api.Providers.Bedrock;

/// <summary>An AWS access key pair, with the session token of temporary credentials. Never printed: see <see cref="ToString"/>.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    // Records print every property; a secret must not reach a log through an interpolated record.
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "set")} }}";
}
