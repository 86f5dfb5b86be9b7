using System.Text.Json;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>A drift run as the REST API answers it.</summary>
public sealed record DriftRunDto(
    long Id, long JobRunId, string Model, DateTime WindowStart, DateTime WindowEnd, DateTime At, string Baseline, long CurrentCount,
    bool HasVerdict, bool DatasetDrift, double DriftShare, double WeightedDriftShare, int Features, int DriftedFeatures, DriftSeverity Severity,
    double? PredictionPsi, double? TargetPsi, long SchemaViolations, string? Message, JsonElement DataQuality, IReadOnlyList<DriftFeatureDto> FeatureResults,
    string MultipleTesting, double? PcaReconstructionError, double? PcaBandLower, double? PcaBandUpper, bool? PcaDrift, int? PcaComponents,
    double? MmdStatistic, double? MmdPValue, bool? MmdDrift, string? MultivariateMessage)
{
    public static DriftRunDto From(string model, DriftRun r) => new(
        r.Id, r.JobRunId, model, r.WindowStart, r.WindowEnd, r.At, r.Baseline, r.CurrentCount, r.HasVerdict, r.DatasetDrift, r.DriftShare,
        r.WeightedDriftShare, r.Features, r.DriftedFeatures, r.Severity, r.PredictionPsi, r.TargetPsi, r.SchemaViolations, r.Message,
        JsonSerializer.Deserialize<JsonElement>(r.DataQualityJson),
        r.FeatureResults.OrderByDescending(f => f.Severity).ThenByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal)
            .Select(f => new DriftFeatureDto(f.Feature, f.Test, f.Score, f.Threshold, f.Drifted, f.Severity, f.Importance, f.ReferenceCount, f.CurrentCount,
                f.CurrentMissing, f.Message, JsonSerializer.Deserialize<JsonElement>(f.ResultsJson), f.AdjustedPValue))
            .ToList(),
        r.BenjaminiHochberg ? BenjaminiHochbergName : "none", r.PcaReconstructionError, r.PcaBandLower, r.PcaBandUpper, r.PcaDrift, r.PcaComponents,
        r.MmdStatistic, r.MmdPValue, r.MmdDrift, r.MultivariateMessage);

    /// <summary>The <see cref="MultipleTesting"/> value of a run whose p-values were adjusted.</summary>
    public const string BenjaminiHochbergName = "benjamini-hochberg";
}

public sealed record DriftFeatureDto(
    string Feature, string Test, double? Score, double Threshold, bool Drifted, DriftSeverity Severity, double Importance,
    long ReferenceCount, long CurrentCount, long CurrentMissing, string? Message, JsonElement Results, double? AdjustedPValue);
