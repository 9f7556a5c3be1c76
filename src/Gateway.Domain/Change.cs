namespace Gateway.Domain;

/// <summary>
/// One field of an update: a null <see cref="Change{T}"/> leaves the field as it is, a change carries its new value,
/// and a change whose value is null clears the field (e.g. <c>new Change&lt;decimal?&gt;(null)</c> removes a budget).
/// It serialises plainly: <c>"MaxBudget": null</c> (unchanged) versus <c>"MaxBudget": {"Value": null}</c> (cleared).
/// Used by the key, team, user and customer updates so "not sent" and "sent as null" stay distinguishable in the events.
/// </summary>
public sealed record Change<T>(T Value);

/// <summary>Shortcuts for building and reading <see cref="Change{T}"/>.</summary>
public static class Change
{
    public static Change<T> To<T>(T value) => new(value);

    /// <summary>The changed value, or <paramref name="current"/> when the field was not part of the update.</summary>
    public static T Or<T>(this Change<T>? change, T current) => change is null ? current : change.Value;

    /// <summary>The change, or null when it would leave the field as it is (so an update that changes nothing records nothing).</summary>
    public static Change<T>? IfDifferent<T>(this Change<T>? requested, T current, Func<T, T, bool>? same = null) =>
        requested is null || (same ?? EqualityComparer<T>.Default.Equals)(requested.Value, current) ? null : requested;
}
