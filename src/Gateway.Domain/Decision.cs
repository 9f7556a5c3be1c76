namespace Gateway.Domain;

/// <summary>Why a command was refused; the API maps the kind to a status and names the field.</summary>
public enum RejectionKind
{
    /// <summary>The command itself is wrong (400).</summary>
    Invalid,

    /// <summary>What it refers to does not exist (404; LiteLLM answers some of these with 400).</summary>
    NotFound,

    /// <summary>It clashes with what exists: a duplicate id or alias (400 in LiteLLM).</summary>
    Conflict,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,
}

public sealed record Rejection(RejectionKind Kind, string Message, string? Field = null);

/// <summary>
/// The outcome of a pure decision: the events to append, or why not. Decisions take the command, the current
/// state and the time, and return one of these; they never touch a database.
/// </summary>
public sealed record Decision
{
    public IReadOnlyList<object> Events { get; }
    public Rejection? Rejection { get; }
    public bool IsAccepted => Rejection is null;

    Decision(IReadOnlyList<object> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(RejectionKind kind, string message, string? field = null) =>
        new([], new Rejection(kind, message, field));

    public static Decision Invalid(string field, string message) => Reject(RejectionKind.Invalid, message, field);
}
