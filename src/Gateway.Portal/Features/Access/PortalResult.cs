using Gateway.Domain;

namespace Gateway.Portal.Features.Access;

/// <summary>What a portal action gave back, or why it was refused (the domain's own rejections pass through).</summary>
public sealed record PortalResult<T>
{
    PortalResult(T? value, Rejection? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }
    public Rejection? Refusal { get; }
    public bool Succeeded => Refusal is null;

    public static PortalResult<T> Ok(T value) => new(value, null);

    public static PortalResult<T> Refused(Rejection refusal) => new(default, refusal);

    public static PortalResult<T> Refused(RejectionKind kind, string message, string? field = null) =>
        new(default, new Rejection(kind, message, field));

    public static PortalResult<T> Forbidden(string message) => Refused(RejectionKind.Forbidden, message);
}
