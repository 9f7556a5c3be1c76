namespace Gateway.Api.Config;

/// <summary>
/// <c>model_group_alias</c>: another name clients may call a model group by. A hidden alias works but is not listed
/// by <c>/v1/models</c> (LiteLLM's <c>{"model": group, "hidden": true}</c>).
/// </summary>
public sealed record ModelGroupAlias(string ModelGroup, bool Hidden = false);
