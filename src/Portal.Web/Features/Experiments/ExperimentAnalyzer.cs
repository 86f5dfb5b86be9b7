using System.Collections.Concurrent;
using System.Globalization;
using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;
using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// One analysis of an experiment, pure (the job loads the data and stores the result): per metric and treatment arm
/// the estimate of each arm (rate, mean, per-unit ratio by the delta method, CUPED-adjusted mean or percentile),
/// the difference and the relative lift (delta method) with the intervals of the experiment's analysis mode,
/// Bayesian chance to beat control and expected loss; SRM of the primary metric's units against the split;
/// guardrails (one-sided, always valid); the assignment check; the correction of the secondary metrics across
/// arms × metrics; and the verdict of <see cref="ExperimentVerdicts"/>.
/// </summary>
/// <remarks>
/// Modes (docs/experiments.md): <b>fixed horizon</b> reads the primary once, at the first analysis that finds the
/// planned sample; that look is recorded with its verdict and later analyses keep it. <b>Group sequential</b>:
/// with L planned looks the plan looks at information fractions 1/L, 2/L, …, 1 (information = smallest live arm's
/// primary units / required); an analysis that finds a planned fraction newly reached is a look, its boundary from
/// <see cref="GroupSequential.ObrienFlemingBoundaries"/> over the actual fractions so far; analyses between looks
/// carry the last look's decision. <b>Sequential</b> (always valid): confidence sequences, read at every analysis.
/// With k treatment arms each primary comparison uses α/k.
/// </remarks>
public static class ExperimentAnalyzer
{
    /// <summary>Units every arm needs before a sample-ratio mismatch can stop the experiment.</summary>
    public const long SrmMinimumPerArm = 100;

    private static readonly ConcurrentDictionary<string, IReadOnlyList<SequentialBoundary>> BoundaryCache = new(StringComparer.Ordinal);

    public static ExperimentResult Analyze(AnalysisPlan plan, ExperimentData data, IReadOnlyList<RecordedLook> history, DateTime at)
    {
        var live = plan.Arms.Where(a => !a.IsShadow).OrderByDescending(a => a.IsControl).ToList();
        var control = live[0];
        var treatments = live.Skip(1).ToList();
        var alpha = plan.Alpha / Math.Max(1, treatments.Count);
        var primary = plan.Metrics.Single(m => m.Role == MetricRole.Primary);
        var notes = new List<string>();

        var primarySamples = live.Select(a => data.Find(primary.Name, a.Name)).ToList();
        var counts = primarySamples.Select(s => (long)(s?.Values.Count ?? 0)).ToList();
        var arms = live.Select((a, i) => new ArmCount(
            a.Name, a.ModelVersion, a.Share, a.IsControl, counts[i], plan.RequiredPerVariant,
            primarySamples[i] is { IsRatio: true } ratio ? (long)ratio.Denominators.Sum() : null)).ToList();
        SrmStatus? srm = null;
        if (counts.Sum() > 0)
        {
            var s = ExperimentStatistics.SampleRatioMismatch(counts, live.Select(a => a.Share).ToList());
            var enough = counts.Min() >= SrmMinimumPerArm;
            srm = new SrmStatus(s.Statistic, s.PValue, s.Mismatch && enough, counts, live.Select(a => a.Share).ToList(), enough);
            if (!enough)
            {
                notes.Add($"Sample-ratio mismatch is checked once every arm has {SrmMinimumPerArm} units (smallest arm: {counts.Min()}).");
            }
        }

        var fraction = plan.RequiredPerVariant > 0 ? Math.Min(1.0, (double)counts.Min() / plan.RequiredPerVariant) : 1.0;

        // Every metric, every treatment arm: the estimates first; intervals once the look is known.
        var estimates = new Dictionary<(string Metric, string Arm), Estimated>();
        var cappedData = new Dictionary<string, Dictionary<string, MetricSample?>>(StringComparer.Ordinal);
        foreach (var metric in plan.Metrics)
        {
            var samples = Capped(metric, live.ToDictionary(a => a.Name, a => data.Find(metric.Name, a.Name), StringComparer.Ordinal));
            cappedData[metric.Name] = samples;
            foreach (var arm in treatments)
            {
                estimates[(metric.Name, arm.Name)] = Estimate(metric, samples[control.Name], samples[arm.Name], arm.Name, alpha, notes);
            }
        }

        var sequential = Sequential(plan, history, fraction, treatments, estimates, primary, alpha, out var lookForArm);
        var primaryBoundary = PrimaryBoundary(plan, sequential, alpha);

        var metricResults = new List<MetricResult>();
        var comparisons = new Dictionary<(string Metric, string Arm), Compared>();
        foreach (var metric in plan.Metrics)
        {
            var values = live.Select(a => Summarize(metric, a.Name, cappedData[metric.Name][a.Name])).ToList();
            var results = new List<ComparisonResult>();
            foreach (var arm in treatments)
            {
                var c = Finish(plan, metric, estimates[(metric.Name, arm.Name)], arm.Name, alpha, metric.Role == MetricRole.Primary ? primaryBoundary : null);
                comparisons[(metric.Name, arm.Name)] = c;
                results.Add(c.Result);
            }

            var perUnit = !(MetricKinds.FromPredictions(metric.Kind) && data.PerPredictionMetrics.Contains(metric.Name));
            metricResults.Add(new MetricResult(
                metric.Name, metric.Role, metric.Kind, metric.HigherIsBetter, metric.Bound, TestName(metric, cappedData[metric.Name], control.Name, treatments),
                values, results, perUnit, metric.Margin, metric.CapPercentile));
        }

        foreach (var name in data.PerPredictionMetrics)
        {
            notes.Add($"'{name}' is compared per prediction: the predictions name no unit (\"experiment\": {{\"unit\": …}}), so the interval assumes independent predictions and is too narrow when one unit sends many.");
        }

        if (treatments.Count > 0 && plan.Metrics.Any(m => MetricKinds.Statistic(m.Kind) == MetricStatistic.Quantile && MetricKinds.FromPredictions(m.Kind)))
        {
            notes.Add("Percentile metrics are compared per prediction (a percentile of per-unit values would be another metric).");
        }

        // Secondary metrics: one correction across treatment arms × secondary metrics.
        var secondaries = plan.Metrics.Where(m => m.Role == MetricRole.Secondary).ToList();
        var family = treatments.SelectMany(t => secondaries.Select(m => (Metric: m, Arm: t.Name)))
            .Where(x => comparisons[(x.Metric.Name, x.Arm)].ForVerdict is not null).ToList();
        var familyP = family.Select(x => comparisons[(x.Metric.Name, x.Arm)].ForVerdict!.PValue).ToList();
        var adjusted = plan.Correction == MultipleTestingCorrection.BenjaminiHochberg
            ? Portal.Analysis.Drift.MultipleTesting.BenjaminiHochberg(familyP)
            : HolmBonferroni.Adjust(familyP);
        var secondaryReasons = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var correctionName = plan.Correction == MultipleTestingCorrection.BenjaminiHochberg ? "Benjamini–Hochberg" : "Holm";
        for (var i = 0; i < family.Count; i++)
        {
            var (metric, arm) = family[i];
            var index = metricResults.FindIndex(r => r.Name == metric.Name);
            var result = metricResults[index];
            metricResults[index] = result with
            {
                Comparisons = result.Comparisons.Select(c => c.Arm == arm ? c with { AdjustedPValue = adjusted[i], Significant = adjusted[i] <= plan.Alpha } : c).ToList(),
            };
            var m = comparisons[(metric.Name, arm)].ForVerdict!;
            var better = m.HigherIsBetter ? m.Difference > 0 : m.Difference < 0;
            var what = adjusted[i] <= plan.Alpha ? (better ? "significantly better" : "significantly worse") : "no significant change";
            (secondaryReasons.TryGetValue(arm, out var list) ? list : secondaryReasons[arm] = []).Add(
                $"Secondary '{m.Name}': {what} (difference {G(m.Difference)}, {correctionName}-adjusted p = {G(adjusted[i])} across {family.Count} arm × metric comparisons).");
        }

        // Verdict per treatment arm, then overall.
        var guardrailPlans = plan.Metrics.Where(m => m.Role == MetricRole.Guardrail).ToList();
        var armVerdicts = new List<ArmVerdict>();
        var guardrails = new List<GuardrailStatus>();
        foreach (var arm in treatments)
        {
            var guardrailInputs = new List<Guardrail>();
            foreach (var g in guardrailPlans)
            {
                guardrails.Add(GuardrailState(g, arm.Name, estimates[(g.Name, arm.Name)], plan.Alpha, plan.TuningParameter, guardrailInputs));
            }

            var verdict = DecideArm(arm.Name, comparisons[(primary.Name, arm.Name)], srm, guardrailInputs, counts, plan, lookForArm(arm.Name), alpha);
            armVerdicts.Add(verdict with { Reasons = verdict.Reasons.Concat(secondaryReasons.GetValueOrDefault(arm.Name) ?? []).ToList() });
        }

        var (verdict0, reasons, stillNeeded, winner) = Overall(armVerdicts, treatments.Count, comparisons, primary);
        if (verdict0 == VerdictKind.KeepRunning && sequential.NextLookFraction is { } next && plan.PlannedLooks > 1)
        {
            reasons.Add($"Next planned look at information {Percent(next)} ({sequential.NextLookUnits} units in the smallest arm).");
        }

        // A final look's decision is kept: the fixed horizon is read once, and the last planned look ends the plan.
        FinalDecision? final = null;
        var finalLook = sequential.Looks.LastOrDefault(l => l.Final && l.Verdict is not null && l != sequential.ThisLook);
        if (finalLook is { Verdict: { } finalVerdict })
        {
            final = new FinalDecision(finalLook.Look, finalLook.InformationFraction, finalVerdict);
            reasons.Insert(0, $"Decided at the final look (look {finalLook.Look}, information {Percent(finalLook.InformationFraction)}): {Title(finalVerdict)}. Later analyses show the current estimates but do not re-decide; reading the p-value again on new data would inflate false positives.");
            (verdict0, winner, stillNeeded) = (finalVerdict, finalLook.WinningArm, 0);
        }
        else if (sequential.ThisLook is { } look)
        {
            look = look with { Verdict = verdict0, WinningArm = winner };
            sequential = sequential with { ThisLook = look, Looks = sequential.Looks.Take(sequential.Looks.Count - 1).Append(look).ToList() };
            if (look.Final)
            {
                final = new FinalDecision(look.Look, look.InformationFraction, verdict0);
            }
        }

        var check = data.Assignment;
        if (check.Units > 0 && (check.Mismatched > 0 || check.InTwoArms > 0))
        {
            var text = $"Assignment check: {check.Mismatched} of {check.Units} units were recorded in another arm than the hash assignment gives them and {check.InTwoArms} appear in more than one arm ({check.Share.ToString("P1", CultureInfo.InvariantCulture)}).";
            if (check.Warning)
            {
                reasons.Add($"Warning: {text} Above {AssignmentCheck.WarningShare.ToString("P0", CultureInfo.InvariantCulture)} the arms may not be comparable: check how clients assign and report the variant.");
            }
            else
            {
                notes.Add(text);
            }
        }

        foreach (var (variant, count) in data.UnknownVariants)
        {
            notes.Add($"{count} observations or predictions name variant '{variant}', which is not a live arm of this experiment: they are ignored.");
        }

        var shadow = plan.Arms.Where(a => a.IsShadow)
            .Select(a => new ShadowStatus(a.Name, a.ModelVersion, ShadowComparison.Compare(data.ShadowPairs.GetValueOrDefault(a.Name) ?? [], data.IsClassifier)))
            .ToList();

        return new ExperimentResult(
            plan.ExperimentId, at, verdict0, Title(verdict0), reasons, stillNeeded, winner, plan.RequiredPerVariant, fraction, arms, srm,
            metricResults, guardrails, sequential, armVerdicts, shadow, notes.Distinct().ToList(), plan.Mode, IntervalMethod(plan, primaryBoundary), check, final);
    }

    /// <summary>The primary metric per treatment arm, for the lift-over-time chart.</summary>
    public static IReadOnlyList<PrimaryPoint> PrimaryPoints(ExperimentResult result)
    {
        var primary = result.Metrics.Single(m => m.Role == MetricRole.Primary);
        return primary.Comparisons.Select(c => new PrimaryPoint(
            c.Arm, primary.Values.FirstOrDefault(v => v.Arm == c.Arm)?.N ?? 0, c.Difference, c.CiLow, c.CiHigh, c.Lift, c.LiftLow, c.LiftHigh, c.Z)).ToList();
    }

    public static string Title(VerdictKind verdict) => verdict switch
    {
        VerdictKind.Ship => "SHIP",
        VerdictKind.Revert => "REVERT",
        VerdictKind.Stop => "STOP",
        _ => "KEEP RUNNING",
    };

    /// <summary>Words for the intervals of the mode in force (shown on the results page).</summary>
    private static string IntervalMethod(AnalysisPlan plan, double? boundary) => plan.Mode switch
    {
        ExperimentAnalysisMode.Sequential => $"always-valid {Percent(1 - plan.Alpha)} confidence sequences (N* = {plan.TuningParameter.ToString("0", CultureInfo.InvariantCulture)}): valid at every analysis",
        _ when plan.PlannedLooks > 1 && boundary is { } z => $"primary: repeated confidence interval at the O'Brien–Fleming boundary z = {z.ToString("0.###", CultureInfo.InvariantCulture)}; other metrics: fixed {Percent(1 - plan.Alpha)} intervals",
        _ => $"fixed-horizon {Percent(1 - plan.Alpha)} confidence intervals (valid when read once, at the planned sample)",
    };

    /// <summary>Each unit's value capped at the metric's percentile over all live arms (winsorisation), when set.</summary>
    private static Dictionary<string, MetricSample?> Capped(MetricPlan metric, Dictionary<string, MetricSample?> samples)
    {
        if (metric.CapPercentile is not { } q || MetricKinds.Statistic(metric.Kind) != MetricStatistic.Mean)
        {
            return samples;
        }

        // Ratio samples cap each unit's mean (sum / count); plain samples cap each value.
        static double UnitValue(MetricSample s, int i) => s.IsRatio ? (s.Denominators[i] > 0 ? s.Values[i] / s.Denominators[i] : 0) : s.Values[i];
        var all = samples.Values.Where(s => s is not null).SelectMany(s => Enumerable.Range(0, s!.Values.Count).Select(i => UnitValue(s, i))).Order().ToArray();
        if (all.Length == 0)
        {
            return samples;
        }

        var cap = Portal.Analysis.Performance.Percentiles.OfSorted(all, q);
        return samples.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : CapSample(kv.Value, cap), StringComparer.Ordinal);
    }

    private static MetricSample CapSample(MetricSample sample, double cap)
    {
        var capped = new MetricSample();
        for (var i = 0; i < sample.Values.Count; i++)
        {
            if (sample.IsRatio)
            {
                capped.AddUnit(Math.Min(sample.Values[i], cap * sample.Denominators[i]), sample.Denominators[i]);
            }
            else
            {
                capped.Add(Math.Min(sample.Values[i], cap), double.IsNaN(sample.Covariates[i]) ? null : sample.Covariates[i]);
            }
        }

        return capped;
    }

    private static ArmValue Summarize(MetricPlan metric, string arm, MetricSample? sample)
    {
        if (sample is null || sample.Values.Count == 0)
        {
            return new ArmValue(arm, 0, null, null);
        }

        var values = sample.Values;
        if (sample.IsRatio)
        {
            var total = sample.Denominators.Sum();
            return new ArmValue(arm, values.Count, total > 0 ? values.Sum() / total : null, null);
        }

        var mean = values.Average();
        double? sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : null;
        var value = MetricKinds.Statistic(metric.Kind) == MetricStatistic.Quantile
            ? Portal.Analysis.Performance.Percentiles.OfSorted(values.Order().ToArray(), MetricKinds.Percentile(metric.Kind))
            : mean;
        return new ArmValue(arm, values.Count, value, MetricKinds.Statistic(metric.Kind) == MetricStatistic.Mean ? sd : null);
    }

    private static bool HasCovariates(MetricSample? sample) =>
        sample is { Values.Count: >= 2, IsRatio: false } && sample.Covariates.All(double.IsFinite);

    private static string TestName(MetricPlan metric, Dictionary<string, MetricSample?> samples, string control, IReadOnlyList<ArmPlan> treatments) => MetricKinds.Statistic(metric.Kind) switch
    {
        _ when samples[control] is { IsRatio: true } => "ratio of per-unit sums (delta method), z",
        _ when MetricKinds.FromObservations(metric.Kind) && HasCovariates(samples[control])
            && treatments.All(t => HasCovariates(samples[t.Name])) => "Welch on CUPED-adjusted values",
        MetricStatistic.Proportion => "two-proportion z (unpooled SE)",
        MetricStatistic.Mean => "Welch",
        _ => $"p{MetricKinds.Percentile(metric.Kind):0} difference (order-statistic SE)",
    };

    /// <summary>A comparison's estimates before an interval is chosen.</summary>
    private sealed record Estimated(
        string? Note, ArmEstimate? Control, ArmEstimate? Treatment, Effect? Absolute, Effect? Relative, double? Df,
        double? FixedP, double? Z, double? Chance, double? Loss, double? Reduction);

    /// <summary>A comparison with the intervals of the mode in force.</summary>
    private sealed record Compared(ComparisonResult Result, MetricComparison? ForVerdict, Estimated Estimated);

    private static Estimated Estimate(MetricPlan metric, MetricSample? control, MetricSample? treatment, string arm, double alpha, List<string> notes)
    {
        static Estimated Empty(string note) => new(note, null, null, null, null, null, null, null, null, null, null);
        if (control is null || treatment is null || control.Values.Count == 0 || treatment.Values.Count == 0)
        {
            return Empty($"No data yet in {(control is null || control.Values.Count == 0 ? "control" : arm)}.");
        }

        try
        {
            ArmEstimate c, t;
            double? df = null, chance = null, loss = null, reduction = null;
            if (control.IsRatio && treatment.IsRatio)
            {
                (c, t) = (ArmEstimate.OfRatio(control.Values, control.Denominators), ArmEstimate.OfRatio(treatment.Values, treatment.Denominators));
            }
            else if (MetricKinds.FromObservations(metric.Kind) && HasCovariates(control) && HasCovariates(treatment))
            {
                var r = Cuped.Analyze(control.Values, control.Covariates, treatment.Values, treatment.Covariates, alpha);
                var pooledMean = control.Covariates.Concat(treatment.Covariates).Average();
                var adjustedControl = Adjusted(control, r.Theta, pooledMean);
                var adjustedTreatment = Adjusted(treatment, r.Theta, pooledMean);
                (c, t, df) = (ArmEstimate.OfValues(adjustedControl), ArmEstimate.OfValues(adjustedTreatment), r.Adjusted.Df);
                reduction = r.VarianceReduction;
                (chance, loss) = Directional(BayesianAb.Continuous(adjustedControl, adjustedTreatment), metric.HigherIsBetter);
                notes.Add($"CUPED on '{metric.Name}' ({arm}): the pre-period covariate removed {Percent(Math.Max(0, r.VarianceReduction))} of the variance of the difference.");
            }
            else
            {
                switch (MetricKinds.Statistic(metric.Kind))
                {
                    case MetricStatistic.Proportion:
                        var cp = new Proportion((long)Math.Round(control.Values.Sum()), control.Values.Count);
                        var tp = new Proportion((long)Math.Round(treatment.Values.Sum()), treatment.Values.Count);
                        (c, t) = (ArmEstimate.OfProportion(cp.Successes, cp.Trials), ArmEstimate.OfProportion(tp.Successes, tp.Trials));

                        // Guardrails are decided by their always-valid bound; the (costly) chance to beat control is not shown for them.
                        (chance, loss) = metric.Role == MetricRole.Guardrail ? ((double?)null, (double?)null) : Directional(BayesianAb.Conversion(cp, tp), metric.HigherIsBetter);
                        break;
                    case MetricStatistic.Mean:
                        (c, t) = (ArmEstimate.OfValues(control.Values), ArmEstimate.OfValues(treatment.Values));
                        if (c.MeanVariance == 0 && t.MeanVariance == 0)
                        {
                            throw new AnalysisInputException("treatment", "Both groups are constant (zero variance): the t statistic is undefined.");
                        }

                        df = EffectEstimates.WelchDf(c, t);
                        (chance, loss) = Directional(BayesianAb.Continuous(control.Values, treatment.Values), metric.HigherIsBetter);
                        break;
                    default:
                        var q = QuantileComparison.Compare(control.Values, treatment.Values, MetricKinds.Percentile(metric.Kind), alpha);
                        c = new ArmEstimate(q.Control, q.ControlStandardError * q.ControlStandardError, control.Values.Count);
                        t = new ArmEstimate(q.Treatment, q.TreatmentStandardError * q.TreatmentStandardError, treatment.Values.Count);
                        break;
                }
            }

            var absolute = EffectEstimates.Absolute(c, t);
            var relative = EffectEstimates.Relative(c, t);
            var fixedP = df is { } d ? EffectEstimates.StudentTPValue(absolute, d) : EffectEstimates.Normal(absolute, alpha).PValue;
            var z = absolute.Variance > 0 ? (df is null ? absolute.Estimate / absolute.StandardError : ZFromP(absolute.Estimate, fixedP)) : 0;
            return new Estimated(null, c, t, absolute, relative, df, fixedP, z, chance, loss, reduction);
        }
        catch (AnalysisInputException e)
        {
            return Empty($"Not comparable yet ({e.Field}: {e.Reason})");
        }
    }

    /// <summary>The estimate's intervals by the mode in force: confidence sequence, group-sequential boundary or fixed.</summary>
    private static Compared Finish(AnalysisPlan plan, MetricPlan metric, Estimated e, string arm, double alpha, double? boundary)
    {
        if (e.Absolute is not { } absolute || e.Control is not { } c || e.Treatment is not { } t)
        {
            var empty = new ComparisonResult(arm, null, null, null, null, null, null, null, null, null, null, null, null, false, e.Note);
            return new Compared(empty, null, e);
        }

        double? critical = null;
        EffectInterval Interval(Effect effect) => plan.Mode == ExperimentAnalysisMode.Sequential
            ? ConfidenceSequences.Interval(effect, c.Units + t.Units, alpha, plan.TuningParameter)
            : boundary is { } z
                ? EffectEstimates.AtZ(effect, z)
                : e.Df is { } df ? EffectEstimates.StudentT(effect, df, alpha, critical ??= EffectEstimates.TCritical(df, alpha)) : EffectEstimates.Normal(effect, alpha);

        var interval = Interval(absolute);
        var p = plan.Mode == ExperimentAnalysisMode.Sequential ? interval.PValue : e.FixedP!.Value;
        double? lift = null, liftLow = null, liftHigh = null, liftSe = null;
        if (e.Relative is { } relative)
        {
            var li = Interval(relative);
            (lift, liftLow, liftHigh, liftSe) = (relative.Estimate, li.Low, li.High, relative.StandardError);
        }

        var result = new ComparisonResult(
            arm, absolute.Estimate, interval.Low, interval.High, lift, liftLow, liftHigh, p, null, e.Z, e.Chance, e.Loss, e.Reduction, p < alpha, null, liftSe);
        return new Compared(result, new MetricComparison(metric.Name, absolute.Estimate, interval.Low, interval.High, p, metric.HigherIsBetter), e);
    }

    private static double[] Adjusted(MetricSample sample, double theta, double pooledMean) =>
        sample.Values.Select((y, i) => y - (theta * (sample.Covariates[i] - pooledMean))).ToArray();

    /// <summary>Chance that treatment is better and the expected loss of shipping it, in the metric's direction.</summary>
    private static (double Chance, double Loss) Directional(BayesianResult r, bool higherIsBetter) =>
        higherIsBetter ? (r.ChanceToBeatControl, r.ExpectedLossTreatment) : (1 - r.ChanceToBeatControl, r.ExpectedLossControl);

    /// <summary>The normal z with the same two-sided p-value and sign as the estimate.</summary>
    private static double ZFromP(double estimate, double p) => Math.Sign(estimate) * Normal.InvCDF(0, 1, 1 - (Math.Max(p, 1e-300) / 2));

    /// <summary>The z boundary of the primary's group-sequential interval: the last look's, else the first planned look's.</summary>
    private static double? PrimaryBoundary(AnalysisPlan plan, SequentialStatus sequential, double alpha)
    {
        if (plan.Mode == ExperimentAnalysisMode.Sequential || plan.PlannedLooks <= 1)
        {
            return null;
        }

        return sequential.Looks.Count > 0 ? sequential.Looks[^1].Boundary : Boundaries(sequential.PlannedFractions, alpha)[0].Z;
    }

    private static SequentialStatus Sequential(
        AnalysisPlan plan,
        IReadOnlyList<RecordedLook> history,
        double fraction,
        IReadOnlyList<ArmPlan> treatments,
        Dictionary<(string Metric, string Arm), Estimated> estimates,
        MetricPlan primary,
        double alpha,
        out Func<string, SequentialLook?> lookForArm)
    {
        var plannedLooks = plan.PlannedLooks;
        var planned = Enumerable.Range(1, plannedLooks).Select(k => (double)k / plannedLooks).ToList();
        var reached = planned.Count(f => f <= fraction + 1e-12);
        var taken = history.OrderBy(h => h.Look).ToList();
        RecordedLook? thisLook = null;
        var zs = treatments.ToDictionary(
            t => t.Name,
            t => estimates[(primary.Name, t.Name)].Z,
            StringComparer.Ordinal);

        if (plannedLooks >= 1 && reached > taken.Count && zs.Values.All(z => z is not null) && (taken.Count == 0 || !taken[^1].Final))
        {
            var actual = fraction >= 1 ? 1.0 : fraction;
            if (taken.Count == 0 || actual > taken[^1].InformationFraction)
            {
                var fractions = taken.Select(h => h.InformationFraction).Append(actual).ToList();
                var boundary = Boundaries(fractions, alpha)[^1];
                thisLook = new RecordedLook(taken.Count + 1, actual, boundary.Z, boundary.NominalAlpha, boundary.CumulativeAlphaSpent, zs.ToDictionary(z => z.Key, z => z.Value!.Value, StringComparer.Ordinal), actual >= 1);
                taken.Add(thisLook);
            }
        }

        var last = taken.Count > 0 ? taken[^1] : null;
        lookForArm = arm => plannedLooks >= 1 && last is not null && last.ZByArm.TryGetValue(arm, out var z)
            ? new SequentialLook(new SequentialBoundary(last.Look, last.InformationFraction, last.Boundary, last.NominalAlpha, last.CumulativeAlphaSpent), z, last.Final)
            : null;

        double? nextFraction = plannedLooks > 1 && (last is null || !last.Final) ? planned.FirstOrDefault(f => f > (last?.InformationFraction ?? 0) + 1e-12 && f > fraction) : null;
        if (nextFraction == 0)
        {
            nextFraction = null;
        }

        long? nextUnits = nextFraction is { } nf ? (long)Math.Ceiling(nf * plan.RequiredPerVariant) : null;
        return new SequentialStatus(plannedLooks, planned, taken, thisLook, nextFraction, nextUnits);
    }

    /// <summary>O'Brien–Fleming boundaries, cached: the same looks give the same boundaries, and they are costly.</summary>
    public static IReadOnlyList<SequentialBoundary> Boundaries(IReadOnlyList<double> fractions, double alpha)
    {
        var key = alpha.ToString("R", CultureInfo.InvariantCulture) + "|" + string.Join(",", fractions.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        if (BoundaryCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (BoundaryCache.Count > 512)
        {
            BoundaryCache.Clear();
        }

        return BoundaryCache[key] = GroupSequential.ObrienFlemingBoundaries(fractions, alpha);
    }

    /// <summary>
    /// A guardrail in one arm, read at every analysis with one-sided always-valid bounds (so checking it every few
    /// minutes does not inflate false stops): breached when the lower bound of the harm exceeds the margin relative
    /// to control, or — for an absolute bound — the allowed degradation from control's value to the bound.
    /// </summary>
    private static GuardrailStatus GuardrailState(MetricPlan g, string arm, Estimated e, double alpha, double tuning, List<Guardrail> inputs)
    {
        var bound = g.Bound;
        var sign = g.HigherIsBetter ? ">" : "<";
        var rule = string.Join(" and ", new[]
        {
            g.Margin is { } margin ? $"at most {Percent(margin)} worse than control" : null,
            g.Bound is { } b ? $"{g.Name} {sign} {MetricKinds.Format(g.Kind, b)}" : null,
        }.Where(x => x is not null));
        if (e.Absolute is not { } absolute || e.Control is not { } c || e.Treatment is not { } t)
        {
            return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, e.Control?.Mean, e.Treatment?.Mean, "noData", $"{rule}: not enough data yet.", g.Margin);
        }

        var n = c.Units + t.Units;
        var where = $"{arm} {MetricKinds.Format(g.Kind, t.Mean)} vs control {MetricKinds.Format(g.Kind, c.Mean)}";
        var worst = "ok";
        var texts = new List<string>();
        double? relativeHarm = null, harmLow = null, harmHigh = null;
        void Check(Effect effect, double allowed, string what, Func<double, string> format)
        {
            var harm = g.HigherIsBetter ? -effect.Estimate : effect.Estimate;
            var h = effect.Variance > 0 ? ConfidenceSequences.OneSidedHalfWidth(effect.Variance, n, alpha, tuning) : 0;
            var comparison = new MetricComparison(g.Name, effect.Estimate, effect.Estimate - h, effect.Estimate + h, 1, g.HigherIsBetter);
            inputs.Add(new Guardrail(comparison, allowed, NonInferiority: true));
            if (harm - h > allowed)
            {
                worst = "breached";
                texts.Add($"Breached: {where}; worse by at least {format(harm - h)} (always-valid bound), more than the allowed {what}.");
            }
            else if (harm + h > allowed)
            {
                worst = worst == "breached" ? worst : "caution";
                texts.Add($"Not yet shown within {what}: {where}; could be worse by up to {format(harm + h)}.");
            }
            else
            {
                texts.Add($"Within {what}: {where}; worse by at most {format(harm + h)}.");
            }
        }

        if (g.Margin is { } relativeMargin && e.Relative is { } relative)
        {
            Check(relative, relativeMargin, $"{Percent(relativeMargin)} margin", x => Percent(x));
            var harm = g.HigherIsBetter ? -relative.Estimate : relative.Estimate;
            var h = relative.Variance > 0 ? ConfidenceSequences.OneSidedHalfWidth(relative.Variance, n, alpha, tuning) : 0;
            (relativeHarm, harmLow, harmHigh) = (harm, harm - h, harm + h);
        }

        if (g.Bound is { } absoluteBound)
        {
            var allowed = Math.Max(0, g.HigherIsBetter ? c.Mean - absoluteBound : absoluteBound - c.Mean);
            Check(absolute, allowed, $"bound {sign} {MetricKinds.Format(g.Kind, absoluteBound)}", x => MetricKinds.FormatDifference(g.Kind, x));
        }

        return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, c.Mean, t.Mean, worst, string.Join(" ", texts), g.Margin, relativeHarm, harmLow, harmHigh);
    }

    private static ArmVerdict DecideArm(
        string arm,
        Compared primary,
        SrmStatus? srm,
        IReadOnlyList<Guardrail> guardrails,
        IReadOnlyList<long> counts,
        AnalysisPlan plan,
        SequentialLook? look,
        double alpha)
    {
        var stillNeeded = Math.Max(0, plan.RequiredPerVariant - counts.Min());
        if (srm is null)
        {
            return new ArmVerdict(arm, VerdictKind.KeepRunning, ["No units of the primary metric yet."], stillNeeded, false);
        }

        var srmResult = new SrmResult(srm.Statistic, srm.PValue, srm.Mismatch);
        if (primary.ForVerdict is null)
        {
            if (srm.Mismatch)
            {
                // Decide needs a primary comparison; a stand-in with no effect lets the SRM rule speak.
                var stub = new MetricComparison("primary", 0, 0, 0, 1);
                var stop = ExperimentVerdicts.Decide(new VerdictInput(stub, [], [], srmResult, counts, plan.RequiredPerVariant, null, alpha));
                return new ArmVerdict(arm, VerdictKind.Stop, stop.Reasons, stillNeeded, false);
            }

            return new ArmVerdict(arm, VerdictKind.KeepRunning, [$"The primary metric cannot be compared yet: {primary.Result.Note}"], stillNeeded, false);
        }

        var v = ExperimentVerdicts.Decide(new VerdictInput(
            primary.ForVerdict, [], guardrails, srmResult, counts, plan.RequiredPerVariant, look, alpha, plan.Mode == ExperimentAnalysisMode.Sequential));
        return new ArmVerdict(arm, v.Kind, v.Reasons, v.Kind == VerdictKind.KeepRunning ? v.AdditionalSamplePerVariant : v.Kind == VerdictKind.Stop ? stillNeeded : 0, v.PrimarySignificant);
    }

    private static (VerdictKind Verdict, List<string> Reasons, long StillNeeded, string? Winner) Overall(
        IReadOnlyList<ArmVerdict> arms,
        int treatments,
        Dictionary<(string Metric, string Arm), Compared> comparisons,
        MetricPlan primary)
    {
        List<string> Prefixed(ArmVerdict a) => treatments > 1 ? a.Reasons.Select(r => $"[{a.Arm}] {r}").ToList() : a.Reasons.ToList();

        if (arms.FirstOrDefault(a => a.Verdict == VerdictKind.Stop) is { } stopped)
        {
            return (VerdictKind.Stop, Prefixed(stopped), 0, null);
        }

        var ships = arms.Where(a => a.Verdict == VerdictKind.Ship).ToList();
        if (ships.Count > 0)
        {
            var best = ships.MaxBy(a => (primary.HigherIsBetter ? 1 : -1) * (comparisons[(primary.Name, a.Arm)].Result.Difference ?? 0))!;
            var reasons = Prefixed(best);
            foreach (var other in arms.Where(a => a != best))
            {
                reasons.Add($"[{other.Arm}] {VerdictNames.Name(other.Verdict)}: {other.Reasons.FirstOrDefault()}");
            }

            return (VerdictKind.Ship, reasons, 0, best.Arm);
        }

        if (arms.All(a => a.Verdict == VerdictKind.Revert))
        {
            return (VerdictKind.Revert, arms.SelectMany(Prefixed).ToList(), 0, null);
        }

        var running = arms.Where(a => a.Verdict == VerdictKind.KeepRunning).ToList();
        return (VerdictKind.KeepRunning, running.SelectMany(Prefixed).Concat(arms.Where(a => a.Verdict != VerdictKind.KeepRunning).SelectMany(Prefixed)).ToList(), running.Max(a => a.StillNeededPerVariant), null);
    }

    private static string Percent(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
