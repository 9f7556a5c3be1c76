namespace Gateway.Portal.Features.Keys;

/// <summary>A key's secret, at the one moment it is known: just issued or regenerated. Never stored, never logged.</summary>
public sealed record IssuedKey(Guid KeyId, string Plaintext, string Name)
{
    public override string ToString() => $"IssuedKey {{ KeyId = {KeyId}, Name = {Name} }}";
}
