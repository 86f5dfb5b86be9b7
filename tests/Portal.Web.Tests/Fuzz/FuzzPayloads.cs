using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Web.Tests.Fuzz;

/// <summary>One request body: its bytes and Content-Type (null: no Content-Type header).</summary>
public sealed record FuzzPayload(string Name, byte[] Body, string? ContentType = "application/json")
{
    public override string ToString() => Name;
}

/// <summary>
/// Bad bodies: a fixed table (malformed, wrong types, invalid UTF-8 as raw bytes, NUL, 1e308, -0, huge arrays, deep
/// nesting, empty bodies, wrong content types) plus mutations of the target's valid body drawn from a seeded
/// <see cref="Random"/>, so a failure is reproducible from its name.
/// </summary>
public static class FuzzPayloads
{
    /// <summary>Stands for two raw bytes that are not UTF-8 (0xC3 0x28) until the body is encoded.</summary>
    private const string InvalidUtf8Marker = "\uE000bad-utf8\uE000";

    private static readonly JsonNode?[] BadValues =
    [
        "a\u0000b", InvalidUtf8Marker, 1e308, -1e308, -0.0, 5e-324, 9007199254740993, "", new string('x', 100_000), "NaN", "Infinity",
        null, true, new JsonArray(), new JsonObject(), new JsonArray(1, "x", null), "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "lf\n", -1,
    ];

    public static IEnumerable<FuzzPayload> For(FuzzTarget target, int seed, int generated)
    {
        foreach (var payload in Fixed())
        {
            yield return payload;
        }

        if (target.IgnoresBody || target.TemplateNode is not { } template)
        {
            yield break;
        }

        yield return Json("template-as-text/plain", template.ToJsonString(), "text/plain");
        yield return Json("template-as-xml", template.ToJsonString(), "application/xml");
        yield return Encode("every-string-nul", Map(template, s => s is string ? "x\u0000" : s), "application/json");
        yield return Encode("every-string-invalid-utf8", Map(template, s => s is string ? InvalidUtf8Marker : s), "application/json");
        yield return Encode("every-string-huge", Map(template, s => s is string ? new string('y', 70_000) : s), "application/json");
        yield return Encode("every-number-1e308", Map(template, s => s is double ? 1e308 : s), "application/json");
        yield return Encode("every-number-minus-zero", Map(template, s => s is double ? -0.0 : s), "application/json");
        yield return Encode("every-number-as-string", Map(template, s => s is double d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : s), "application/json");
        yield return Encode("every-value-null", Map(template, _ => null), "application/json");

        var random = new Random(seed);
        for (var i = 0; i < generated; i++)
        {
            var copy = template.DeepClone();
            var leaves = Leaves(copy).ToList();
            var mutations = 1 + random.Next(3);
            for (var m = 0; m < mutations && leaves.Count > 0; m++)
            {
                var (parent, key) = leaves[random.Next(leaves.Count)];
                var value = BadValues[random.Next(BadValues.Length)]?.DeepClone();
                switch (parent)
                {
                    case JsonObject obj when random.Next(5) == 0:
                        obj.Remove((string)key);
                        break;
                    case JsonObject obj:
                        obj[(string)key] = value;
                        break;
                    case JsonArray array:
                        array[(int)key] = value;
                        break;
                }
            }

            if (copy is JsonObject root && random.Next(4) == 0)
            {
                root["unknown\u0000field"] = 1;
            }

            yield return Encode($"generated-{seed}-{i}", copy, "application/json");
        }
    }

    private static IEnumerable<FuzzPayload> Fixed()
    {
        yield return new FuzzPayload("empty-without-content-type", [], null);
        yield return new FuzzPayload("empty-json", []);
        yield return Json("malformed", """{"a": [1, 2""");
        yield return Json("trailing-garbage", """{"a": 1} x""");
        yield return Json("array", "[]");
        yield return Json("array-of-junk", """[1, "x", null, [], {}]""");
        yield return Json("string", "\"x\"");
        yield return Json("number", "1");
        yield return Json("null", "null");
        yield return Json("boolean", "true");
        yield return new FuzzPayload("invalid-utf8-raw", [.. "{\"name\": \"a"u8, 0xC3, 0x28, .. "\", \"predictionId\": \"x"u8, 0xFF, .. "\"}"u8]);
        yield return new FuzzPayload("invalid-utf8-in-a-name", [.. "{\"a"u8, 0xFF, .. "\": 1}"u8]);
        yield return Json("nul", """{"name": "a\u0000", "predictionId": "\u0000", "model": "\u0000"}""");
        yield return Json("lone-surrogate", """{"name": "\ud800", "predictionId": "\udc00x"}""");
        yield return Json("numbers", """{"value": 1e308, "threshold": -1e308, "label": -0, "latencyMs": 1e-320, "count": 123456789012345678901234567890}""");
        yield return Json("deep-array", new string('[', 2_000) + new string(']', 2_000));
        yield return Json("deep-object", string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_000));
        yield return Json("huge-array", "[" + string.Join(",", Enumerable.Repeat("{}", 20_000)) + "]");
        yield return Json("huge-string", "{\"name\": \"" + new string('z', 500_000) + "\"}");
        yield return Json("form-urlencoded", "name=x&value=1", "application/x-www-form-urlencoded");
        yield return Json("csv", "a,b\n1,\"2\n3,4\n", "text/csv");
        yield return Json("multipart-without-boundary", "--x\r\n\r\n", "multipart/form-data");
        yield return Json("multipart-garbage", "--b\r\nContent-Disposition: form-data; name=\"reference\"; filename=\"r.csv\"\r\n\r\na\n1", "multipart/form-data; boundary=b");
    }

    private static FuzzPayload Json(string name, string text, string contentType = "application/json") => new(name, Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>Serializes and swaps the marker for raw invalid UTF-8 bytes.</summary>
    private static FuzzPayload Encode(string name, JsonNode? node, string contentType)
    {
        var text = node?.ToJsonString() ?? "null";
        var marker = System.Text.Json.JsonSerializer.Serialize(InvalidUtf8Marker)[1..^1];
        var parts = text.Split(marker);
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                bytes.AddRange([0xC3, 0x28]);
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        return new FuzzPayload(name, [.. bytes], contentType);
    }

    /// <summary>A copy with every leaf value replaced by <paramref name="map"/> (given the leaf as string, double, bool or null).</summary>
    private static JsonNode? Map(JsonNode? node, Func<object?, object?> map) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Map(p.Value, map)))),
        JsonArray array => new JsonArray([.. array.Select(v => Map(v, map))]),
        JsonValue value => ToNode(map(value.TryGetValue<string>(out var s) ? s : value.TryGetValue<double>(out var d) ? d : value.TryGetValue<bool>(out var b) ? b : null)),
        _ => ToNode(map(null)),
    };

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>Every (container, key or index) whose value can be replaced, containers included.</summary>
    private static IEnumerable<(JsonNode Parent, object Key)> Leaves(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    yield return (obj, key);
                    foreach (var leaf in Leaves(value))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, i);
                    foreach (var leaf in Leaves(array[i]))
                    {
                        yield return leaf;
                    }
                }

                break;
        }
    }
}
