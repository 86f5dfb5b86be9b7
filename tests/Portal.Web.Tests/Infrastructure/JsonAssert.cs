using System.Text.Json.Nodes;
using Portal.Analysis.Tests.Reference;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>Compares an API answer with an expected reference object, field by field, with the reference tolerance.</summary>
public static class JsonAssert
{
    public static void Matches(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                return;
            case JsonObject obj:
                Assert.True(actual is JsonObject, $"{path}: expected an object, got {actual?.ToJsonString() ?? "nothing"}");
                foreach (var (key, value) in obj)
                {
                    if (key == "note")
                    {
                        continue;
                    }

                    Assert.True(actual!.AsObject().ContainsKey(key), $"{path}.{key} is missing from {Shorten(actual)}");
                    Matches(value, actual[key], $"{path}.{key}");
                }

                return;
            case JsonArray array:
                Assert.True(actual is JsonArray other && other.Count == array.Count, $"{path}: expected {array.ToJsonString()}, got {actual?.ToJsonString()}");
                for (var i = 0; i < array.Count; i++)
                {
                    Matches(array[i], actual![i], $"{path}[{i}]");
                }

                return;
            case JsonValue value when value.TryGetValue<bool>(out var flag):
                Assert.Equal(flag, actual!.GetValue<bool>());
                return;
            case JsonValue value when value.TryGetValue<string>(out var text):
                Assert.Equal(text, actual?.GetValue<string>());
                return;
            default:
                Assert.True(actual is JsonValue, $"{path}: expected a number, got {actual?.ToJsonString() ?? "nothing"}");
                ReferenceCases.AssertClose(expected.GetValue<double>(), actual!.GetValue<double>(), path);
                return;
        }
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length < 300 ? text : text[..300] + "…";
    }
}
