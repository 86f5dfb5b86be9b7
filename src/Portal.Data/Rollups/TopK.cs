using System.Text.Json;

namespace Portal.Data.Rollups;

/// <summary>
/// Category counts for a categorical feature (or predicted classes): the first <see cref="MaxCategories"/> distinct
/// values are counted exactly, further ones are summed under <see cref="Other"/>. JSON: <c>{"value": count}</c>.
/// </summary>
public static class TopK
{
    public const int MaxCategories = 100;
    public const string Other = "__other__";

    public static void Add(Dictionary<string, long> counts, string value, long count = 1)
    {
        if (counts.ContainsKey(value) || counts.Count < MaxCategories)
        {
            counts[value] = counts.GetValueOrDefault(value) + count;
        }
        else
        {
            counts[Other] = counts.GetValueOrDefault(Other) + count;
        }
    }

    public static void Merge(Dictionary<string, long> into, Dictionary<string, long> other)
    {
        foreach (var (value, count) in other)
        {
            Add(into, value, count);
        }
    }

    public static Dictionary<string, long> FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) || json == "{}" ? [] : JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [];

    public static string ToJson(Dictionary<string, long> counts) => JsonSerializer.Serialize(counts);
}
