namespace Portal.Data.Entities.Jobs;

/// <summary>Severity of a drift verdict, from the configurable thresholds (info / warning / critical).</summary>
public enum DriftSeverity
{
    None,
    Info,
    Warning,
    Critical,
}

/// <summary>
/// The result of one drift job run for one model: dataset verdict, prediction/target drift and data quality.
/// Per-feature scores are in <see cref="DriftFeatureResult"/> so dashboards can chart them over time without JSON.
/// </summary>
public sealed class DriftRun
{
    public long Id { get; set; }

    public long JobRunId { get; set; }

    public int ModelId { get; set; }

    /// <summary>Model version analysed, or null for all versions.</summary>
    public string? ModelVersion { get; set; }

    public DateTime WindowStart { get; set; }

    public DateTime WindowEnd { get; set; }

    /// <summary>When the run finished (the point on "drift over time").</summary>
    public DateTime At { get; set; }

    /// <summary>"reference v3" or "previous window 2026-11-23T10:00Z/1h".</summary>
    public required string Baseline { get; set; }

    /// <summary>Predictions in the current window.</summary>
    public long CurrentCount { get; set; }

    /// <summary>False when the window had fewer rows than the minimum sample size: then no verdict fields are set.</summary>
    public bool HasVerdict { get; set; }

    public bool DatasetDrift { get; set; }

    /// <summary>Drifted features / features (unweighted), 0..1.</summary>
    public double DriftShare { get; set; }

    /// <summary>Importance-weighted share of drifted features, 0..1 (drives the severity).</summary>
    public double WeightedDriftShare { get; set; }

    public int Features { get; set; }

    public int DriftedFeatures { get; set; }

    public DriftSeverity Severity { get; set; }

    /// <summary>PSI of the score distribution, current vs baseline (prediction / concept drift).</summary>
    public double? PredictionPsi { get; set; }

    /// <summary>PSI of the label distribution when labels exist (target drift).</summary>
    public double? TargetPsi { get; set; }

    /// <summary>Data quality per feature (missing %, out-of-range %, new categories, schema violations) as JSON.</summary>
    public string DataQualityJson { get; set; } = "[]";

    /// <summary>Features sent that are not in the schema, summed over the window's predictions (from the rollups).</summary>
    public long SchemaViolations { get; set; }

    /// <summary>Why there is no verdict ("not enough data: 31 &lt; 100"), or notes on the run; null when there is nothing to say.</summary>
    public string? Message { get; set; }

    /// <summary>Whether the p-value tests' p-values were adjusted across features (Benjamini–Hochberg) before the decisions.</summary>
    public bool BenjaminiHochberg { get; set; }

    /// <summary>Mean PCA reconstruction error of the window's complete rows of numerical features (standardised units); null when not computed.</summary>
    public double? PcaReconstructionError { get; set; }

    /// <summary>Reference band of the reconstruction error (mean ± 3σ over reference chunks).</summary>
    public double? PcaBandLower { get; set; }

    public double? PcaBandUpper { get; set; }

    /// <summary>True when the reconstruction error is outside the band; null when not computed.</summary>
    public bool? PcaDrift { get; set; }

    /// <summary>Principal components kept (65 % of the reference variance).</summary>
    public int? PcaComponents { get; set; }

    /// <summary>Unbiased MMD² between reference and window samples (RBF kernel, median heuristic).</summary>
    public double? MmdStatistic { get; set; }

    /// <summary>Permutation p-value of the MMD test.</summary>
    public double? MmdPValue { get; set; }

    /// <summary>True when the MMD p-value is below alpha; null when not computed.</summary>
    public bool? MmdDrift { get; set; }

    /// <summary>Why multivariate drift was not computed, or notes on it (rows dropped for a missing value, samples used).</summary>
    public string? MultivariateMessage { get; set; }

    public List<DriftFeatureResult> FeatureResults { get; set; } = [];
}

/// <summary>One feature's drift in one run.</summary>
public sealed class DriftFeatureResult
{
    public long Id { get; set; }

    public long DriftRunId { get; set; }

    public int ModelId { get; set; }

    public DateTime At { get; set; }

    public required string Feature { get; set; }

    /// <summary>Test id (ks, psi, wasserstein, …).</summary>
    public required string Test { get; set; }

    /// <summary>The test's score (p-value or distance); null when the feature had no verdict.</summary>
    public double? Score { get; set; }

    public double Threshold { get; set; }

    public bool Drifted { get; set; }

    public DriftSeverity Severity { get; set; }

    public double Importance { get; set; }

    /// <summary>All result fields of every test run on the feature, as JSON.</summary>
    public string ResultsJson { get; set; } = "{}";

    /// <summary>Non-missing values compared on each side (after sampling) and missing values in the current sample.</summary>
    public long ReferenceCount { get; set; }

    public long CurrentCount { get; set; }

    public long CurrentMissing { get; set; }

    /// <summary>Why the feature has no verdict, or a note from its test; null when there is nothing to say.</summary>
    public string? Message { get; set; }

    /// <summary>Benjamini–Hochberg adjusted p-value (p-value tests, when the run adjusted them); the decision used it.</summary>
    public double? AdjustedPValue { get; set; }
}
