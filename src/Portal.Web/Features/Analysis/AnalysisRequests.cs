using System.Text.Json;

namespace Portal.Web.Features.Analysis;

// The bodies of the analysis API as the OpenAPI document shows them (API.md, "Analysis"). The endpoints read them with
// JsonInput, which also takes labels as numbers or strings, refuses non-finite or oversized numbers and names the
// JSON path of each problem; these records keep the document in step with what the readers accept.

/// <summary><c>POST /api/v1/analysis/drift</c>: values by column (numbers, strings or null), types, tests and thresholds optional.</summary>
public sealed record DriftAnalysisRequest(
    IReadOnlyDictionary<string, JsonElement[]> Reference,
    IReadOnlyDictionary<string, JsonElement[]> Current,
    IReadOnlyDictionary<string, string>? ColumnTypes,
    IReadOnlyDictionary<string, string[]>? Tests,
    IReadOnlyDictionary<string, double>? Thresholds,
    double? DriftShare);

/// <summary><c>POST /api/v1/analysis/drift/csv</c>: two CSV files with a header row, and the drift options as JSON.</summary>
public sealed record DriftCsvForm(IFormFile Reference, IFormFile Current, string? Options);

/// <summary><c>POST /api/v1/analysis/classification</c>: labels (numbers or strings) and optional scores of the positive class.</summary>
public sealed record ClassificationRequest(JsonElement[] YTrue, JsonElement[] YPred, double[]? YScore);

/// <summary><c>POST /api/v1/analysis/regression</c>.</summary>
public sealed record RegressionRequest(double[] YTrue, double[] YPred);

/// <summary>
/// <c>POST /api/v1/analysis/experiment</c>: <c>kind</c> is welch (control, treatment: values), proportions (control,
/// treatment: {successes, trials}), srm (observed, split), sampleSize (baselineRate, relativeMde, power) or
/// obrienFleming (informationFraction); alpha defaults to 0.05.
/// </summary>
public sealed record ExperimentAnalysisRequest(
    string Kind,
    double? Alpha,
    JsonElement? Control,
    JsonElement? Treatment,
    long[]? Observed,
    double[]? Split,
    double? BaselineRate,
    double? RelativeMde,
    double? Power,
    double? InformationFraction);
