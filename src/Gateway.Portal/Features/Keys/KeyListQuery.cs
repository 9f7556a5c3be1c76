namespace Gateway.Portal.Features.Keys;

/// <summary>One page of the keys list. <paramref name="Page"/> counts from 0; <paramref name="SortBy"/> names a <see cref="KeyRow"/> property.</summary>
public sealed record KeyListQuery(int Page, int PageSize, string? Search = null, string? SortBy = null, bool Descending = true);

public sealed record KeyPage(IReadOnlyList<KeyRow> Rows, int Total);
