using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Web.Features.Provisioning;

/// <summary>One problem in a provisioning file: where (file, line, field as a path in the file) and what.</summary>
public sealed record ProvisioningError(string File, int Line, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Message}";
}

/// <summary>
/// One document of a file: its kind, its body as JSON (what the services' parsers read) and the line of every field,
/// so a service's error ("threshold") can be reported at its line ("rules.yaml:14: [2].threshold").
/// </summary>
public sealed class ProvisioningDocument(string file, int index, int line, JsonObject body, IReadOnlyDictionary<string, int> lines)
{
    public string File { get; } = file;

    /// <summary>Position in the file's list, from 0.</summary>
    public int Index { get; } = index;

    public int Line { get; } = line;

    public JsonObject Body { get; } = body;

    public string Kind => Body["kind"] is JsonValue v && v.TryGetValue<string>(out var kind) ? kind : "";

    /// <summary>The error for a field of this document (a path such as <c>features[0].name</c>), at the field's line.</summary>
    public ProvisioningError Error(string field, string message)
    {
        var path = field is "" or "$" ? "" : field.StartsWith("$.", StringComparison.Ordinal) ? field[2..] : field;
        return new ProvisioningError(File, LineOf(path), path.Length == 0 ? $"[{Index}]" : $"[{Index}].{path}", message);
    }

    private int LineOf(string path)
    {
        // The field itself, else the nearest enclosing field that is written in the file.
        while (path.Length > 0)
        {
            if (lines.TryGetValue(path, out var at))
            {
                return at;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut <= 0 ? "" : path[..cut];
        }

        return Line;
    }
}

/// <summary>
/// Reads a provisioning file: a YAML list of mappings, each a document. Scalars are typed as YAML 1.2's core schema
/// types them (plain true/false, numbers and null; quoted text stays text) and <c>${NAME}</c> is replaced by the
/// environment variable NAME, so secrets need not be written in the file.
/// </summary>
public static partial class ProvisioningYaml
{
    /// <summary><c>${NAME}</c>, or <c>$${NAME}</c> for the text "${NAME}" itself.</summary>
    [GeneratedRegex(@"\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\z")]
    private static partial Regex Number();

    /// <summary>The documents, or the errors that make the file unusable (then no document is returned).</summary>
    public static (IReadOnlyList<ProvisioningDocument> Documents, IReadOnlyList<ProvisioningError> Errors) Read(
        string file, string text, Func<string, string?> environment)
    {
        var errors = new List<ProvisioningError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return ([], [new ProvisioningError(file, (int)e.Start.Line, "$", $"not valid YAML: {Inner(e).Message}")]);
        }

        var documents = new List<ProvisioningDocument>();
        foreach (var yaml in stream.Documents)
        {
            if (yaml.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            if (yaml.RootNode is not YamlSequenceNode list)
            {
                errors.Add(new ProvisioningError(file, (int)yaml.RootNode.Start.Line, "$", "the file must be a list of documents (\"- kind: AlertRule\" …)."));
                continue;
            }

            foreach (var item in list.Children)
            {
                var index = documents.Count;
                if (item is not YamlMappingNode mapping)
                {
                    errors.Add(new ProvisioningError(file, (int)item.Start.Line, $"[{index}]", "a document is a mapping with a kind (\"kind: Channel\")."));
                    documents.Add(new ProvisioningDocument(file, index, (int)item.Start.Line, [], new Dictionary<string, int>()));
                    continue;
                }

                var lines = new Dictionary<string, int>(StringComparer.Ordinal);
                var body = (JsonObject)Convert(mapping, "", lines, environment, (path, line, message) =>
                    errors.Add(new ProvisioningError(file, line, $"[{index}]{(path.Length == 0 ? "" : "." + path)}", message)))!;
                documents.Add(new ProvisioningDocument(file, index, (int)mapping.Start.Line, body, lines));
            }
        }

        return errors.Count > 0 ? ([], errors) : (documents, []);
    }

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, int> lines, Func<string, string?> environment, Action<string, int, string> error)
    {
        lines.TryAdd(path, (int)node.Start.Line);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    lines[child] = (int)keyNode.Start.Line;
                    obj[key] = Convert(valueNode, child, lines, environment, error);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var i = 0;
                foreach (var child in sequence.Children)
                {
                    array.Add(Convert(child, $"{path}[{i++}]", lines, environment, error));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar, path, environment, error);
            default:
                error(path, (int)node.Start.Line, "aliases are not supported.");
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar, string path, Func<string, string?> environment, Action<string, int, string> error)
    {
        var text = scalar.Value ?? "";
        if (Placeholder().IsMatch(text))
        {
            return JsonValue.Create(Placeholder().Replace(text, m =>
            {
                if (m.Value.StartsWith("$$", StringComparison.Ordinal))
                {
                    return m.Value[1..];
                }

                var value = environment(m.Groups[1].Value);
                if (value is null)
                {
                    error(path, (int)scalar.Start.Line, $"the environment variable {m.Groups[1].Value} is not set.");
                }

                return value ?? "";
            }));
        }

        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when Number().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }

    private static Exception Inner(YamlException e) => e.InnerException is YamlException inner ? Inner(inner) : e.InnerException ?? e;
}
