namespace Portal.Analysis.Rca;

/// <summary>
/// The kinds of cause RCA knows. The order is also the tie-break when two candidates score the same: the most
/// directly actionable first (a deployment can be rolled back; drift needs investigation).
/// </summary>
public enum CauseKind
{
    ModelVersionChange,
    DataQuality,
    DataDrift,
    PredictionDrift,
    TargetDrift,
    Infrastructure,
    TrafficChange,

    /// <summary>Nothing stands out: no candidate reaches <see cref="RcaScoring.StandsOut"/>.</summary>
    Unknown,
}

/// <summary>
/// One measured quantity now (<paramref name="Current"/>, e.g. over the alert window) and in its baseline period.
/// <paramref name="BaselineSpread"/> is the baseline's standard deviation when the job knows it; the change is then
/// standardised by it instead of the signal's default scale (see <see cref="RcaScoring"/>).
/// </summary>
public sealed record SignalChange(double Current, double Baseline, double? BaselineSpread = null);

/// <summary>A drifted feature with its drift score and the test that produced it (e.g. <c>ks</c>, <c>psi</c>).</summary>
public sealed record FeatureDriftScore(string Feature, double Score, string Test);

/// <summary>Data drift: the share of drifted features (0..1) and the most drifted features, most drifted first.</summary>
public sealed record DataDriftSignal(SignalChange DriftShare, IReadOnlyList<FeatureDriftScore> TopFeatures, DateTimeOffset? ChangeStartedAt = null);

/// <summary>Prediction or target drift as a PSI (≥ 0) against the reference.</summary>
public sealed record PsiSignal(SignalChange Psi, DateTimeOffset? ChangeStartedAt = null);

/// <summary>Serving hosts: CPU and memory in percent (0..100), p95 latency in ms. Any may be missing.</summary>
public sealed record InfrastructureSignal(
    SignalChange? CpuPercent = null,
    SignalChange? MemoryPercent = null,
    SignalChange? LatencyP95Ms = null,
    DateTimeOffset? ChangeStartedAt = null);

/// <summary>Request rate against its baseline (e.g. the same hour last week).</summary>
public sealed record TrafficSignal(SignalChange RequestsPerMinute, DateTimeOffset? ChangeStartedAt = null);

/// <summary>The most recent model version deployment.</summary>
public sealed record DeploymentSignal(string Version, DateTimeOffset DeployedAt, string? PreviousVersion = null);

/// <summary>Data quality rates as fractions of rows (0..1). Any may be missing.</summary>
public sealed record DataQualitySignal(
    SignalChange? MissingRate = null,
    SignalChange? OutOfRangeRate = null,
    SignalChange? NewCategoryRate = null,
    SignalChange? SchemaViolationRate = null,
    DateTimeOffset? ChangeStartedAt = null);

/// <summary>
/// Everything RCA knows when an alert started at <paramref name="AlertStartedAt"/> (the alert's pending start is
/// the best "when did it begin"). Signals the job could not compute are left null and add no candidate.
/// </summary>
public sealed record RcaInput(
    DateTimeOffset AlertStartedAt,
    DataDriftSignal? DataDrift = null,
    PsiSignal? PredictionDrift = null,
    PsiSignal? TargetDrift = null,
    InfrastructureSignal? Infrastructure = null,
    TrafficSignal? Traffic = null,
    DeploymentSignal? Deployment = null,
    DataQualitySignal? DataQuality = null);

/// <summary>
/// One possible cause with its <paramref name="Confidence"/> in [0, 1], the standardised change z it rests on (null
/// for a deployment, which has no magnitude), the timing proximity in [0, 1], the evidence in sentences and what to do.
/// </summary>
public sealed record CauseCandidate(
    CauseKind Cause,
    double Confidence,
    double? StandardizedChange,
    double TimingProximity,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> Actions);

/// <summary>
/// The ranked candidates (highest confidence first) and the primary cause: the top candidate when it stands out,
/// else <see cref="CauseKind.Unknown"/> with the top candidate's (low) confidence, or 0 without any candidate.
/// </summary>
public sealed record RcaResult(CauseKind PrimaryCause, double PrimaryConfidence, string Summary, IReadOnlyList<CauseCandidate> Candidates);
