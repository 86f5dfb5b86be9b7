using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Analysis.Tests.Reference;

/// <summary>
/// The SciPy / scikit-learn / statsmodels cases of ../shared/reference/statistics.json and their tolerance.
/// </summary>
public static class ReferenceCases
{
    private static readonly Lazy<JsonObject> Document = new(Load);

    public static double Relative => Document.Value["tolerance"]!["relative"]!.GetValue<double>();

    public static double Absolute => Document.Value["tolerance"]!["absolute"]!.GetValue<double>();

    public static IEnumerable<JsonObject> OfKind(params string[] kinds) =>
        Document.Value["cases"]!.AsArray().Select(c => c!.AsObject()).Where(c => kinds.Contains((string)c["kind"]!));

    public static JsonObject ById(string id) =>
        Document.Value["cases"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string)c["id"]! == id);

    /// <summary>xunit theory data: the ids of every case of these kinds.</summary>
    public static TheoryData<string> Ids(params string[] kinds)
    {
        var data = new TheoryData<string>();
        foreach (var c in OfKind(kinds))
        {
            data.Add((string)c["id"]!);
        }

        return data;
    }

    public static void AssertClose(double expected, double actual, string what)
    {
        var allowed = Math.Max(Absolute, Relative * Math.Abs(expected));
        Assert.True(
            Math.Abs(actual - expected) <= allowed,
            $"{what}: expected {expected:R}, got {actual:R} (allowed ±{allowed:R})");
    }

    /// <summary>Numbers with null (JSON null) read as NaN, the library's missing marker.</summary>
    public static double[] Numbers(JsonNode? array) =>
        array!.AsArray().Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray();

    /// <summary>Values as strings (numbers formatted invariantly); JSON null stays null.</summary>
    public static string?[] Strings(JsonNode? array) =>
        array!.AsArray().Select(v => v is null ? null : v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()).ToArray();

    /// <summary>../shared/reference/statistics.json beside the repository, or shared/reference/ in any folder above it (git worktrees).</summary>
    public static string FindPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "reference", "statistics.json");
            if (File.Exists(path))
            {
                return Path.GetFullPath(path);
            }
        }

        throw new FileNotFoundException("shared/reference/statistics.json not found next to the repository or above it.");
    }

    private static JsonObject Load() => JsonNode.Parse(File.ReadAllText(FindPath()))!.AsObject();
}
