using System.Text.Json;

namespace Portal.Data.Rollups;

/// <summary>Scores (confidences) in 20 fixed bins of width 0.05 on [0, 1]; bin i holds [i/20, (i+1)/20), the last includes 1.</summary>
public static class ScoreHistogram
{
    public const int Bins = 20;

    public static int BinOf(double score) => Math.Clamp((int)(score * Bins), 0, Bins - 1);

    public static long[] FromJson(string? json)
    {
        var bins = string.IsNullOrWhiteSpace(json) || json == "[]" ? null : JsonSerializer.Deserialize<long[]>(json);
        return bins is { Length: Bins } ? bins : new long[Bins];
    }

    public static string ToJson(long[] bins) => JsonSerializer.Serialize(bins);
}
