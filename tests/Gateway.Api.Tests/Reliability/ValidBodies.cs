using System.Text.Json.Nodes;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// For each POST route, a body that is right in shape: a proxy call the mock models answer, or an admin command that
/// names things that need not exist, so a refusal or a 404 is about the caller or the thing named, never about the
/// body. Paths of routes whose body is unknown here get an empty object.
/// </summary>
public static class ValidBodies
{
    public static JsonObject For(string path) => (JsonObject)JsonNode.Parse(path switch
    {
        _ when path.EndsWith("/messages/count_tokens", StringComparison.Ordinal) => """{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}]}""",
        _ when path.EndsWith("/messages", StringComparison.Ordinal) => """{"model":"mock-gpt","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""",
        _ when path.EndsWith("/chat/completions", StringComparison.Ordinal) => """{"model":"mock-gpt","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""",
        _ when path.EndsWith("/completions", StringComparison.Ordinal) => """{"model":"mock-gpt","max_tokens":5,"prompt":"hi"}""",
        _ when path.EndsWith("/embeddings", StringComparison.Ordinal) => """{"model":"mock-embedding","input":"hi"}""",
        "/key/generate" => """{"key_alias": "corpus-key", "models": ["mock-gpt"], "max_budget": 1}""",
        "/key/update" => """{"key": "sk-not-a-real-key-0000", "max_budget": 1}""",
        "/key/block" or "/key/unblock" => """{"key": "sk-not-a-real-key-0000"}""",
        "/key/regenerate" => """{"key": "sk-not-a-real-key-0000"}""",
        "/key/delete" => """{"keys": ["sk-not-a-real-key-0000"]}""",
        "/team/new" => """{"team_id": "corpus-team", "max_budget": 1}""",
        "/team/update" => """{"team_id": "corpus-team", "max_budget": 1}""",
        "/team/block" or "/team/unblock" => """{"team_id": "corpus-team"}""",
        "/team/delete" => """{"team_ids": ["corpus-team"]}""",
        "/team/member_add" => """{"team_id": "corpus-team", "member": {"user_id": "corpus-user", "role": "user"}}""",
        "/team/member_delete" => """{"team_id": "corpus-team", "user_id": "corpus-user"}""",
        "/user/new" => """{"user_id": "corpus-user", "max_budget": 1}""",
        "/user/update" => """{"user_id": "corpus-user", "max_budget": 1}""",
        "/user/delete" => """{"user_ids": ["corpus-user"]}""",
        "/customer/new" => """{"user_id": "corpus-customer", "max_budget": 1}""",
        "/customer/update" => """{"user_id": "corpus-customer", "max_budget": 1}""",
        "/customer/block" or "/customer/unblock" or "/customer/delete" => """{"user_ids": ["corpus-customer"]}""",
        "/team/member_update" => """{"team_id": "corpus-team", "user_id": "corpus-user", "max_budget_in_team": 1}""",
        "/model/new" => """{"model_name": "corpus-model", "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": "http://127.0.0.1:9/v1"}}""",
        "/model/update" => """{"model_info": {"id": "corpus-model-id"}, "litellm_params": {"api_base": "http://127.0.0.1:9/v1"}}""",
        "/model/delete" => """{"id": "corpus-model-id"}""",
        _ when path.StartsWith("/model/", StringComparison.Ordinal) && path.EndsWith("/update", StringComparison.Ordinal) => """{"litellm_params": {"api_base": "http://127.0.0.1:9/v1"}}""",
        _ => "{}",
    })!;
}
