using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Admin.Audit;

/// <summary>One field of an audited entity, before and after (null where the field is absent).</summary>
public sealed record AuditDiffRow(string Field, string? Before, string? After)
{
    public bool Changed => Before != After;
}

public static class AuditDiff
{
    /// <summary>Compares two JSON snapshots field by field; nested objects become dotted paths.</summary>
    public static IReadOnlyList<AuditDiffRow> Compare(string? beforeJson, string? afterJson)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        return before.Keys.Union(after.Keys)
            .Select(field => new AuditDiffRow(field, before.GetValueOrDefault(field), after.GetValueOrDefault(field)))
            .ToList();
    }

    private static Dictionary<string, string?> Flatten(string? json)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return fields;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            fields["(value)"] = json;
            return fields;
        }

        Add(fields, root is JsonObject ? "" : "(value)", root);
        return fields;
    }

    private static void Add(Dictionary<string, string?> fields, string path, JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                Add(fields, path.Length == 0 ? name : $"{path}.{name}", child);
            }

            return;
        }

        fields[path] = node switch
        {
            null => "null",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }
}
