using System.Text.Json.Nodes;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// For each admin command, a body an admin could send that names things that need not exist: so a refusal or a 404 is
/// about the caller or the thing named, never about the body's shape. Paths of routes whose body is unknown here get
/// an empty object.
/// </summary>
public static class AdminBodies
{
    public static JsonObject For(string path) => (JsonObject)JsonNode.Parse(path switch
    {
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
        _ => "{}",
    })!;
}
