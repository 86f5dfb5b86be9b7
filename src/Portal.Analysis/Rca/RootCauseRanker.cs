using Portal.Analysis.Common;

namespace Portal.Analysis.Rca;

/// <summary>Ranks the possible causes of an alert from the evidence signals; scoring in <see cref="RcaScoring"/>.</summary>
public static class RootCauseRanker
{
    /// <summary>
    /// One candidate per supplied signal, ranked by confidence (ties in <see cref="CauseKind"/> order). The primary
    /// cause is the top candidate when its confidence reaches <see cref="RcaScoring.StandsOut"/>, else
    /// <see cref="CauseKind.Unknown"/>. Non-finite or out-of-range values are rejected with the field named
    /// (e.g. <c>infrastructure.cpuPercent.current</c>).
    /// </summary>
    public static RcaResult Rank(RcaInput input)
    {
        var alertAt = input.AlertStartedAt;
        var candidates = new List<CauseCandidate>();
        if (input.Deployment is { } deployment)
        {
            candidates.Add(Deployment(deployment, alertAt));
        }

        AddIfAny(candidates, input.DataQuality is { } quality ? DataQuality(quality, alertAt) : null);
        AddIfAny(candidates, input.DataDrift is { } drift ? DataDrift(drift, alertAt) : null);
        AddIfAny(candidates, input.PredictionDrift is { } prediction ? Psi(prediction, alertAt, CauseKind.PredictionDrift, "predictionDrift") : null);
        AddIfAny(candidates, input.TargetDrift is { } target ? Psi(target, alertAt, CauseKind.TargetDrift, "targetDrift") : null);
        AddIfAny(candidates, input.Infrastructure is { } infrastructure ? Infrastructure(infrastructure, alertAt) : null);
        AddIfAny(candidates, input.Traffic is { } traffic ? Traffic(traffic, alertAt) : null);

        candidates.Sort((a, b) => a.Confidence != b.Confidence ? b.Confidence.CompareTo(a.Confidence) : a.Cause.CompareTo(b.Cause));

        if (candidates.Count == 0)
        {
            return new RcaResult(CauseKind.Unknown, 0, "No evidence signals were available, so the cause is unknown.", candidates);
        }

        var top = candidates[0];
        if (top.Confidence >= RcaScoring.StandsOut)
        {
            return new RcaResult(top.Cause, top.Confidence,
                $"Most likely cause: {Name(top.Cause)} (confidence {Display.TwoDecimals(top.Confidence)}). {top.Evidence[0]}", candidates);
        }

        return new RcaResult(CauseKind.Unknown, top.Confidence,
            $"No cause stands out; the strongest candidate is {Name(top.Cause)} at confidence {Display.TwoDecimals(top.Confidence)}.", candidates);
    }

    private static void AddIfAny(List<CauseCandidate> candidates, CauseCandidate? candidate)
    {
        if (candidate is not null)
        {
            candidates.Add(candidate);
        }
    }

    private static CauseCandidate Deployment(DeploymentSignal deployment, DateTimeOffset alertAt)
    {
        if (string.IsNullOrWhiteSpace(deployment.Version))
        {
            throw new AnalysisInputException("deployment.version", "must not be empty");
        }

        var p = RcaScoring.Proximity(deployment.DeployedAt, alertAt);
        var previous = deployment.PreviousVersion is { } v ? $" (previously {v})" : "";
        var lead = alertAt - deployment.DeployedAt;
        var when = lead >= TimeSpan.Zero
            ? $"{Display.Elapsed(lead)} before the alert started"
            : $"{Display.Elapsed(-lead)} after the alert started, so it did not trigger it";
        var before = deployment.PreviousVersion ?? "the previous version";
        return new CauseCandidate(
            CauseKind.ModelVersionChange,
            RcaScoring.DeploymentConfidence(p),
            null,
            p,
            [$"Version {deployment.Version}{previous} was deployed {when}."],
            [
                $"Compare {deployment.Version} with {before} on the Quality and Health dashboards since it started serving.",
                $"Roll back to {before} if it was healthy, then investigate {deployment.Version} offline.",
                $"Check what shipped with {deployment.Version}: feature code, preprocessing, thresholds.",
            ]);
    }

    private static CauseCandidate? DataQuality(DataQualitySignal quality, DateTimeOffset alertAt)
    {
        var evidence = new List<string>();
        var z = 0.0;
        var any = false;
        Rate(quality.MissingRate, "missingRate", "Missing values");
        Rate(quality.OutOfRangeRate, "outOfRangeRate", "Out-of-range values");
        Rate(quality.NewCategoryRate, "newCategoryRate", "Unseen categories");
        Rate(quality.SchemaViolationRate, "schemaViolationRate", "Schema violations");
        if (!any)
        {
            return null;
        }

        return Candidate(CauseKind.DataQuality, z, quality.ChangeStartedAt, alertAt, evidence,
        [
            "Check the upstream feature pipeline for the columns with missing, out-of-range or unseen values.",
            "Validate the input schema at ingestion and fix the producer that violates it.",
            "Until fixed, impute or reject the invalid rows rather than predicting on them.",
        ]);

        void Rate(SignalChange? change, string field, string what)
        {
            if (change is null)
            {
                return;
            }

            Validate(change, $"dataQuality.{field}", 0, 1);
            any = true;
            z = Math.Max(z, RcaScoring.Rise(change, RcaScoring.RateScale));
            evidence.Add($"{what} in {Display.Percent(change.Current)} of rows against a baseline of {Display.Percent(change.Baseline)}.");
        }
    }

    private static CauseCandidate DataDrift(DataDriftSignal drift, DateTimeOffset alertAt)
    {
        Validate(drift.DriftShare, "dataDrift.driftShare", 0, 1);
        var names = new List<string>(drift.TopFeatures.Count);
        var described = new List<string>(drift.TopFeatures.Count);
        for (var i = 0; i < drift.TopFeatures.Count; i++)
        {
            var feature = drift.TopFeatures[i];
            if (string.IsNullOrWhiteSpace(feature.Feature))
            {
                throw new AnalysisInputException($"dataDrift.topFeatures[{i}].feature", "must not be empty");
            }

            if (!double.IsFinite(feature.Score))
            {
                throw new AnalysisInputException($"dataDrift.topFeatures[{i}].score", "must be a finite number");
            }

            names.Add(feature.Feature);
            described.Add($"{feature.Feature} ({feature.Test} {Display.Number(feature.Score)})");
        }

        var evidence = new List<string>
        {
            $"Dataset drift share {Display.Percent(drift.DriftShare.Current)} against a baseline of {Display.Percent(drift.DriftShare.Baseline)}.",
        };
        if (described.Count > 0)
        {
            evidence.Add($"Most drifted features: {string.Join(", ", described)}.");
        }

        var features = names.Count > 0 ? string.Join(", ", names) : "the drifted features";
        return Candidate(CauseKind.DataDrift, RcaScoring.Rise(drift.DriftShare, RcaScoring.DriftShareScale), drift.ChangeStartedAt, alertAt, evidence,
        [
            $"Compare the current and reference distributions of {features} on the Drift dashboard.",
            "Check whether an upstream source, the segment mix or seasonality changed.",
            "If the shift is real and lasting, retrain on recent data or refresh the reference dataset.",
        ]);
    }

    private static CauseCandidate Psi(PsiSignal psi, DateTimeOffset alertAt, CauseKind cause, string field)
    {
        Validate(psi.Psi, $"{field}.psi", 0, double.MaxValue);
        var what = cause == CauseKind.PredictionDrift ? "Prediction" : "Target";
        var significance = psi.Psi.Current >= 0.25 ? " (0.25 or more is usually a significant shift)" : "";
        string[] actions = cause == CauseKind.PredictionDrift
            ?
            [
                "Inspect the prediction distribution over time and per segment on the Quality dashboard.",
                "Check accuracy on the labelled sample to see whether the shift hurts quality.",
                "Look for the input features whose drift drives the shift.",
            ]
            :
            [
                "Confirm the label shift with the business: new behaviour, policy or season.",
                "Retrain with recent labels and recalibrate decision thresholds.",
            ];
        return Candidate(cause, RcaScoring.Rise(psi.Psi, RcaScoring.PsiScale), psi.ChangeStartedAt, alertAt,
            [$"{what} drift PSI {Display.Number(psi.Psi.Current)} against a baseline of {Display.Number(psi.Psi.Baseline)}{significance}."],
            actions);
    }

    private static CauseCandidate? Infrastructure(InfrastructureSignal infrastructure, DateTimeOffset alertAt)
    {
        var evidence = new List<string>();
        var z = 0.0;
        var any = false;
        Percent(infrastructure.CpuPercent, "cpuPercent", "CPU");
        Percent(infrastructure.MemoryPercent, "memoryPercent", "Memory");
        if (infrastructure.LatencyP95Ms is { } latency)
        {
            Validate(latency, "infrastructure.latencyP95Ms", 0, double.MaxValue);
            any = true;
            z = Math.Max(z, RcaScoring.RatioChange(latency, bothWays: false));
            evidence.Add($"p95 latency {Display.Number(latency.Current)} ms against a baseline of {Display.Number(latency.Baseline)} ms{Ratio(latency)}.");
        }

        if (!any)
        {
            return null;
        }

        return Candidate(CauseKind.Infrastructure, z, infrastructure.ChangeStartedAt, alertAt, evidence,
        [
            "Check CPU, memory and GPU of the serving hosts on the Resources dashboard; scale out or raise limits.",
            "Look for a resource leak, a noisy neighbour or a slow dependency.",
            "Compare latency per host to find a single bad instance.",
        ]);

        void Percent(SignalChange? change, string field, string what)
        {
            if (change is null)
            {
                return;
            }

            Validate(change, $"infrastructure.{field}", 0, 100);
            any = true;
            var newlySaturated = change.Current >= RcaScoring.SaturationPercent && change.Baseline < RcaScoring.SaturationPercent;
            var rise = RcaScoring.Rise(change, RcaScoring.PercentPointScale);
            z = Math.Max(z, newlySaturated ? Math.Max(rise, RcaScoring.NotableChange) : rise);
            evidence.Add($"{what} at {Display.Number(change.Current)}% against a baseline of {Display.Number(change.Baseline)}%" +
                         (newlySaturated ? " (newly saturated)." : "."));
        }
    }

    private static CauseCandidate Traffic(TrafficSignal traffic, DateTimeOffset alertAt)
    {
        var rate = traffic.RequestsPerMinute;
        Validate(rate, "traffic.requestsPerMinute", 0, double.MaxValue);
        return Candidate(CauseKind.TrafficChange, RcaScoring.RatioChange(rate, bothWays: true), traffic.ChangeStartedAt, alertAt,
            [$"Request rate {Display.Number(rate.Current)}/min against a baseline of {Display.Number(rate.Baseline)}/min{Ratio(rate)}."],
            [
                "Identify the traffic source: a new client, a bot, a retry storm or a campaign.",
                "Check autoscaling and rate limits against the new rate.",
                "Check whether the new traffic lies outside the training distribution.",
            ]);
    }

    private static CauseCandidate Candidate(
        CauseKind cause, double z, DateTimeOffset? startedAt, DateTimeOffset alertAt, List<string> evidence, IReadOnlyList<string> actions)
    {
        var p = RcaScoring.Proximity(startedAt, alertAt);
        if (startedAt is { } started)
        {
            var lead = alertAt - started;
            evidence.Add(lead >= TimeSpan.Zero
                ? $"The change started {Display.Elapsed(lead)} before the alert."
                : $"The change started {Display.Elapsed(-lead)} after the alert, so it is unlikely to have triggered it.");
        }

        return new CauseCandidate(cause, RcaScoring.Confidence(z, p), z, p, evidence, actions);
    }

    private static string Ratio(SignalChange change) =>
        change.Baseline > 0 ? $" (×{Display.Number(Math.Round(change.Current / change.Baseline, 2))})" : "";

    private static void Validate(SignalChange change, string field, double min, double max)
    {
        Check(change.Current, $"{field}.current");
        Check(change.Baseline, $"{field}.baseline");
        if (change.BaselineSpread is { } spread && (!double.IsFinite(spread) || spread <= 0))
        {
            throw new AnalysisInputException($"{field}.baselineSpread", "must be a positive number");
        }

        void Check(double value, string name)
        {
            if (!double.IsFinite(value) || value < min || value > max)
            {
                var range = max == double.MaxValue ? $"at least {Display.Number(min)}" : $"between {Display.Number(min)} and {Display.Number(max)}";
                throw new AnalysisInputException(name, $"must be a finite number {range}");
            }
        }
    }

    private static string Name(CauseKind cause) => cause switch
    {
        CauseKind.ModelVersionChange => "model version change",
        CauseKind.DataQuality => "data quality",
        CauseKind.DataDrift => "data drift",
        CauseKind.PredictionDrift => "prediction drift",
        CauseKind.TargetDrift => "target drift",
        CauseKind.Infrastructure => "infrastructure",
        CauseKind.TrafficChange => "traffic change",
        _ => "unknown",
    };
}
