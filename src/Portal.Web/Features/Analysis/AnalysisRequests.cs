using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Analysis;

// The bodies of the analysis API (API.md, "Analysis"). Numbers are strict (a string where a number goes does not bind);
// labels and column values are JsonScalar because clients send them as numbers or strings. What binding cannot say
// (required, lengths, magnitudes, known tests) the endpoints check with ValidationProblems, every error by JSON path.

/// <summary><c>POST /api/v1/analysis/drift</c>: values by column (numbers, strings or null), types, tests and thresholds optional.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record DriftAnalysisRequest(
    IReadOnlyDictionary<string, JsonScalar[]?>? Reference,
    IReadOnlyDictionary<string, JsonScalar[]?>? Current,
    IReadOnlyDictionary<string, string?>? ColumnTypes,
    IReadOnlyDictionary<string, DriftTestList?>? Tests,
    IReadOnlyDictionary<string, double>? Thresholds,
    double? DriftShare)
{
    public DriftOptionsRequest Options => new(ColumnTypes, Tests, Thresholds, DriftShare);
}

/// <summary>The options of a drift request; also the <c>options</c> field of the CSV form.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record DriftOptionsRequest(
    IReadOnlyDictionary<string, string?>? ColumnTypes,
    IReadOnlyDictionary<string, DriftTestList?>? Tests,
    IReadOnlyDictionary<string, double>? Thresholds,
    double? DriftShare);

/// <summary>The tests of one column: a test id or a list of them (<c>"ks"</c> or <c>["ks", "psi"]</c>).</summary>
[JsonConverter(typeof(DriftTestListConverter))]
public sealed record DriftTestList(IReadOnlyList<string> Ids);

public sealed class DriftTestListConverter : JsonConverter<DriftTestList>
{
    public override DriftTestList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new DriftTestList([Infrastructure.CheckedStringConverter.ReadChecked(ref reader)!]);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("must be a test id or a list of test ids.");
        }

        var ids = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ids.Add(reader.TokenType == JsonTokenType.String
                ? Infrastructure.CheckedStringConverter.ReadChecked(ref reader)!
                : throw new JsonException("must be a test id or a list of test ids."));
        }

        return new DriftTestList(ids);
    }

    public override void Write(Utf8JsonWriter writer, DriftTestList value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Ids, options);
}

/// <summary><c>POST /api/v1/analysis/drift/csv</c>: two CSV files with a header row, and the drift options as JSON.</summary>
public sealed record DriftCsvForm(IFormFile Reference, IFormFile Current, string? Options);

/// <summary><c>POST /api/v1/analysis/classification</c>: labels (numbers or strings) and optional scores of the positive class.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record ClassificationRequest(JsonScalar[]? YTrue, JsonScalar[]? YPred, double[]? YScore);

/// <summary><c>POST /api/v1/analysis/regression</c>.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record RegressionRequest(double[]? YTrue, double[]? YPred);

/// <summary>
/// <c>POST /api/v1/analysis/experiment</c>: <c>kind</c> is welch (control, treatment: values), proportions (control,
/// treatment: {successes, trials}), srm (observed, split), sampleSize (baselineRate, relativeMde, power) or
/// obrienFleming (informationFraction); alpha defaults to 0.05. <c>control</c> and <c>treatment</c> take their shape
/// from <c>kind</c>, so they are bound once the kind is known.
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record ExperimentAnalysisRequest(
    string? Kind,
    double? Alpha,
    JsonElement? Control,
    JsonElement? Treatment,
    double[]? Observed,
    double[]? Split,
    double? BaselineRate,
    double? RelativeMde,
    double? Power,
    double? InformationFraction);

/// <summary>An arm of a proportions test.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record ProportionArm(long? Successes, long? Trials);
