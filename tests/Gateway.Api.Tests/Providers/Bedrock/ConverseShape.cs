using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>
/// The Converse request body as Bedrock's API reference describes it (ConverseRequest, Message, ContentBlock,
/// SystemContentBlock, InferenceConfiguration, ToolConfiguration, ToolChoice), and the rules Bedrock enforces on it:
/// turns alternate starting with the user, content blocks are non-empty unions of one member, toolUse/toolResult need a
/// toolConfig. Returns what is wrong, in the words of a ValidationException, or null.
/// </summary>
public static class ConverseShape
{
    static readonly HashSet<string> TopLevel =
    [
        "messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig", "additionalModelRequestFields",
        "additionalModelResponseFieldPaths", "promptVariables", "requestMetadata", "performanceConfig",
    ];

    public static string? Problem(JsonObject body)
    {
        foreach (var (name, _) in body)
            if (!TopLevel.Contains(name))
                return $"Malformed input request: extraneous key [{name}] is not permitted";

        if (body["messages"] is not JsonArray messages || messages.Count == 0)
            return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";

        var usesTools = false;
        string? previousRole = null;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
                return $"messages.{i}: expected an object";
            foreach (var (name, _) in message)
                if (name is not ("role" or "content"))
                    return $"messages.{i}: extraneous key [{name}] is not permitted";
            var role = (message["role"] as JsonValue)?.GetValue<string>();
            if (role is not ("user" or "assistant"))
                return $"messages.{i}.role: Member must satisfy enum value set: [user, assistant]";
            if (i == 0 && role != "user")
                return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
            if (role == previousRole)
                return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
            previousRole = role;
            if (message["content"] is not JsonArray content || content.Count == 0)
                return $"messages.{i}.content: The content field in the Message object is empty. Add a ContentBlock object to the content field and try again.";
            for (var j = 0; j < content.Count; j++)
            {
                if (Block(content[j], role, ref usesTools) is { } problem)
                    return $"messages.{i}.content.{j}: {problem}";
            }
        }

        if (body["system"] is { } system)
        {
            if (system is not JsonArray blocks)
                return "system: expected a list of SystemContentBlock";
            foreach (var block in blocks)
            {
                var member = Single(block);
                if (member is "text" && IsNonEmptyText(block!["text"]))
                    continue;
                if (member is "cachePoint" && CachePoint(block!["cachePoint"]))
                    continue;
                return $"system: invalid SystemContentBlock {block?.ToJsonString()}";
            }
        }

        if (body["inferenceConfig"] is { } config && InferenceConfig(config) is { } configProblem)
            return $"inferenceConfig: {configProblem}";

        if (body["toolConfig"] is { } toolConfig)
        {
            if (ToolConfig(toolConfig) is { } toolProblem)
                return $"toolConfig: {toolProblem}";
        }
        else if (usesTools)
        {
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
        }

        if (body["additionalModelRequestFields"] is { } extra && extra is not JsonObject)
            return "additionalModelRequestFields: expected a JSON object";
        return null;
    }

    static string? Block(JsonNode? node, string role, ref bool usesTools)
    {
        switch (Single(node))
        {
            case "text":
                return IsNonEmptyText(node!["text"]) ? null : "The text field in the ContentBlock object is blank. Add text to the text field, and try again.";
            case "image":
                if (role != "user")
                    return "images are only allowed in user messages";
                var image = node!["image"] as JsonObject;
                var format = (image?["format"] as JsonValue)?.GetValue<string>();
                if (format is not ("png" or "jpeg" or "gif" or "webp"))
                    return $"image.format: Member must satisfy enum value set: [png, jpeg, gif, webp], got {format}";
                if (image!["source"] is not JsonObject source || source.Count != 1 || (source["bytes"] as JsonValue)?.GetValue<string>() is not { } bytes)
                    return "image.source must be a union with exactly one member: bytes (base64)";
                try
                {
                    Convert.FromBase64String(bytes);
                }
                catch (FormatException)
                {
                    return "image.source.bytes is not valid base64";
                }
                return null;
            case "toolUse":
                usesTools = true;
                if (role != "assistant")
                    return "toolUse blocks belong in assistant messages";
                var toolUse = node!["toolUse"] as JsonObject;
                if (toolUse is null || !IsNonEmptyText(toolUse["toolUseId"]) || !IsNonEmptyText(toolUse["name"]) || toolUse["input"] is null)
                    return "toolUse needs toolUseId, name and input";
                return toolUse.Count == 3 ? null : "toolUse: extraneous key";
            case "toolResult":
                usesTools = true;
                if (role != "user")
                    return "toolResult blocks belong in user messages";
                var result = node!["toolResult"] as JsonObject;
                if (result is null || !IsNonEmptyText(result["toolUseId"]) || result["content"] is not JsonArray resultContent)
                    return "toolResult needs toolUseId and content";
                foreach (var part in resultContent)
                    if (Single(part) is not ("text" or "json" or "image" or "document"))
                        return $"toolResult.content: invalid ToolResultContentBlock {part?.ToJsonString()}";
                if (result["status"] is { } status && (status as JsonValue)?.GetValue<string>() is not ("success" or "error"))
                    return "toolResult.status: Member must satisfy enum value set: [success, error]";
                return null;
            case "cachePoint":
                return CachePoint(node!["cachePoint"]) ? null : "cachePoint.type must be default";
            case "reasoningContent" or "document" or "video" or "guardContent" or "citationsContent":
                return null;
            case null:
                return $"a ContentBlock must have exactly one member, got {node?.ToJsonString()}";
            case var other:
                return $"unknown ContentBlock member {other}";
        }
    }

    static string? InferenceConfig(JsonNode config)
    {
        if (config is not JsonObject fields)
            return "expected an object";
        foreach (var (name, value) in fields)
        {
            switch (name)
            {
                case "maxTokens" when value is JsonValue v && v.TryGetValue<int>(out var max) && max >= 1:
                case "temperature" when value is JsonValue t && t.GetValueKind() == JsonValueKind.Number:
                case "topP" when value is JsonValue p && p.GetValueKind() == JsonValueKind.Number:
                    break;
                case "stopSequences" when value is JsonArray sequences && sequences.All(s => s is JsonValue sv && sv.GetValueKind() == JsonValueKind.String):
                    break;
                default:
                    return $"invalid or unknown field {name}: {value?.ToJsonString()}";
            }
        }
        return null;
    }

    static string? ToolConfig(JsonNode config)
    {
        if (config is not JsonObject fields || fields["tools"] is not JsonArray tools || tools.Count == 0)
            return "tools: Member must have length greater than or equal to 1";
        foreach (var (name, _) in fields)
            if (name is not ("tools" or "toolChoice"))
                return $"extraneous key [{name}]";
        var names = new HashSet<string>();
        foreach (var tool in tools)
        {
            if (Single(tool) is "cachePoint")
                continue;
            if (Single(tool) != "toolSpec" || tool!["toolSpec"] is not JsonObject spec)
                return $"a Tool must be {{\"toolSpec\": …}}, got {tool?.ToJsonString()}";
            if (!IsNonEmptyText(spec["name"]) || spec["inputSchema"] is not JsonObject schema || Single(schema) != "json" || schema["json"] is not JsonObject)
                return $"toolSpec needs a name and inputSchema {{\"json\": {{…}}}}, got {spec.ToJsonString()}";
            foreach (var (key, _) in spec)
                if (key is not ("name" or "description" or "inputSchema"))
                    return $"toolSpec: extraneous key [{key}]";
            if (!names.Add(spec["name"]!.GetValue<string>()))
                return $"duplicate tool name {spec["name"]}";
        }
        if (fields["toolChoice"] is { } choice)
        {
            switch (Single(choice))
            {
                case "auto" or "any" when choice![Single(choice)!] is JsonObject { Count: 0 }:
                    break;
                case "tool" when choice!["tool"] is JsonObject named && IsNonEmptyText(named["name"]) && names.Contains(named["name"]!.GetValue<string>()):
                    break;
                default:
                    return $"toolChoice must be one of {{auto:{{}}}}, {{any:{{}}}}, {{tool:{{name}}}} naming a declared tool, got {choice?.ToJsonString()}";
            }
        }
        return null;
    }

    static bool CachePoint(JsonNode? node) => node is JsonObject { Count: 1 } o && (o["type"] as JsonValue)?.GetValue<string>() == "default";

    static bool IsNonEmptyText(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetValue<string>());

    /// <summary>The one member of a union object, or null when it has none or several.</summary>
    static string? Single(JsonNode? node) => node is JsonObject { Count: 1 } o ? o.First().Key : null;
}
