using System.Collections.Concurrent;
using System.Globalization;
using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;
using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// One analysis of an experiment, pure (the job loads the data and stores the result): per metric and treatment arm
/// the test of its statistic (two-proportion z, Welch, CUPED-adjusted Welch, percentile difference), lift, Bayesian
/// chance to beat control and expected loss; SRM of the primary metric's units against the split; guardrails;
/// the O'Brien–Fleming look; Holm across secondary metrics; and the verdict of <see cref="ExperimentVerdicts"/>.
/// </summary>
/// <remarks>
/// Looks: with L planned looks the plan looks at information fractions 1/L, 2/L, …, 1 (information = smallest live
/// arm's primary units / required). An analysis that finds a planned fraction newly reached is a look: its boundary
/// comes from <see cref="GroupSequential.ObrienFlemingBoundaries"/> over the actual fractions of all looks so far.
/// Analyses between looks (the job runs every few minutes) report the current estimates but carry the last look's
/// decision, so watching the page does not inflate false positives. L = 1 is a fixed-horizon test read once at the
/// planned sample. With k treatment arms each comparison uses α/k.
/// </remarks>
public static class ExperimentAnalyzer
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<SequentialBoundary>> BoundaryCache = new(StringComparer.Ordinal);

    public static ExperimentResult Analyze(AnalysisPlan plan, ExperimentData data, IReadOnlyList<RecordedLook> history, DateTime at)
    {
        var live = plan.Arms.Where(a => !a.IsShadow).OrderByDescending(a => a.IsControl).ToList();
        var control = live[0];
        var treatments = live.Skip(1).ToList();
        var alpha = plan.Alpha / Math.Max(1, treatments.Count);
        var primary = plan.Metrics.Single(m => m.Role == MetricRole.Primary);
        var notes = new List<string>();

        var counts = live.Select(a => (long)(data.Find(primary.Name, a.Name)?.Values.Count ?? 0)).ToList();
        var arms = live.Select((a, i) => new ArmCount(a.Name, a.ModelVersion, a.Share, a.IsControl, counts[i], plan.RequiredPerVariant)).ToList();
        SrmStatus? srm = null;
        if (counts.Sum() > 0)
        {
            var s = ExperimentStatistics.SampleRatioMismatch(counts, live.Select(a => a.Share).ToList());
            srm = new SrmStatus(s.Statistic, s.PValue, s.Mismatch, counts, live.Select(a => a.Share).ToList());
        }

        var fraction = plan.RequiredPerVariant > 0 ? Math.Min(1.0, (double)counts.Min() / plan.RequiredPerVariant) : 1.0;

        // Every metric, every treatment arm.
        var metricResults = new List<MetricResult>();
        var comparisons = new Dictionary<(string Metric, string Arm), (ComparisonResult Result, MetricComparison? ForVerdict, double? ControlValue, double? TreatmentValue)>();
        foreach (var metric in plan.Metrics)
        {
            var values = live.Select(a => Summarize(metric, a.Name, data.Find(metric.Name, a.Name))).ToList();
            var results = new List<ComparisonResult>();
            foreach (var arm in treatments)
            {
                var c = Compare(metric, data.Find(metric.Name, control.Name), data.Find(metric.Name, arm.Name), arm.Name, alpha, notes);
                comparisons[(metric.Name, arm.Name)] = c;
                results.Add(c.Result);
            }

            metricResults.Add(new MetricResult(metric.Name, metric.Role, metric.Kind, metric.HigherIsBetter, metric.Bound, TestName(metric, data, control.Name, treatments), values, results));
        }

        // The sequential look.
        var sequential = Sequential(plan, history, fraction, treatments, comparisons, primary, alpha, out var lookForArm);

        // Verdict per treatment arm, then overall.
        var secondaries = plan.Metrics.Where(m => m.Role == MetricRole.Secondary).ToList();
        var guardrailPlans = plan.Metrics.Where(m => m.Role == MetricRole.Guardrail).ToList();
        var armVerdicts = new List<ArmVerdict>();
        var guardrails = new List<GuardrailStatus>();
        foreach (var arm in treatments)
        {
            var guardrailInputs = new List<Guardrail>();
            foreach (var g in guardrailPlans)
            {
                var c = comparisons[(g.Name, arm.Name)];
                guardrails.Add(GuardrailState(g, arm.Name, c.ForVerdict, c.ControlValue, c.TreatmentValue, out var guardrail));
                if (guardrail is not null)
                {
                    guardrailInputs.Add(guardrail);
                }
            }

            var secondaryInputs = secondaries.Select(m => (m, comparisons[(m.Name, arm.Name)].ForVerdict)).Where(x => x.ForVerdict is not null).ToList();
            armVerdicts.Add(DecideArm(arm.Name, comparisons[(primary.Name, arm.Name)], srm, secondaryInputs.Select(x => x.ForVerdict!).ToList(), guardrailInputs, counts, plan, lookForArm(arm.Name), alpha, out var adjusted));

            // Holm-adjusted p-values back onto the secondary comparisons.
            for (var i = 0; i < adjusted.Count; i++)
            {
                var name = secondaryInputs[i].m.Name;
                var index = metricResults.FindIndex(r => r.Name == name);
                var result = metricResults[index];
                metricResults[index] = result with
                {
                    Comparisons = result.Comparisons.Select(c => c.Arm == arm.Name ? c with { AdjustedPValue = adjusted[i], Significant = adjusted[i] <= alpha } : c).ToList(),
                };
            }
        }

        var (verdict, reasons, stillNeeded, winner) = Overall(armVerdicts, treatments.Count, comparisons, primary);
        if (verdict == "keepRunning" && sequential.NextLookFraction is { } next && plan.Looks > 1)
        {
            reasons.Add($"Next planned look at information {Percent(next)} ({sequential.NextLookUnits} units in the smallest arm).");
        }

        foreach (var (variant, count) in data.UnknownVariants)
        {
            notes.Add($"{count} observations or predictions name variant '{variant}', which is not a live arm of this experiment: they are ignored.");
        }

        var shadow = plan.Arms.Where(a => a.IsShadow)
            .Select(a => new ShadowStatus(a.Name, a.ModelVersion, ShadowComparison.Compare(data.ShadowPairs.GetValueOrDefault(a.Name) ?? [], data.IsClassifier)))
            .ToList();

        return new ExperimentResult(
            plan.ExperimentId, at, verdict, Title(verdict), reasons, stillNeeded, winner, plan.RequiredPerVariant, fraction, arms, srm,
            metricResults, guardrails, sequential, armVerdicts, shadow, notes.Distinct().ToList());
    }

    /// <summary>The primary metric per treatment arm, for the lift-over-time chart.</summary>
    public static IReadOnlyList<PrimaryPoint> PrimaryPoints(ExperimentResult result)
    {
        var primary = result.Metrics.Single(m => m.Role == MetricRole.Primary);
        return primary.Comparisons.Select(c => new PrimaryPoint(
            c.Arm, primary.Values.FirstOrDefault(v => v.Arm == c.Arm)?.N ?? 0, c.Difference, c.CiLow, c.CiHigh, c.Lift, c.LiftLow, c.LiftHigh, c.Z)).ToList();
    }

    public static string Title(string verdict) => verdict switch
    {
        "ship" => "SHIP",
        "revert" => "REVERT",
        "stop" => "STOP",
        _ => "KEEP RUNNING",
    };

    private static ArmValue Summarize(MetricPlan metric, string arm, MetricSample? sample)
    {
        if (sample is null || sample.Values.Count == 0)
        {
            return new ArmValue(arm, 0, null, null);
        }

        var values = sample.Values;
        var mean = values.Average();
        double? sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : null;
        var value = MetricKinds.Statistic(metric.Kind) == MetricStatistic.Quantile
            ? Portal.Analysis.Performance.Percentiles.OfSorted(values.Order().ToArray(), MetricKinds.Percentile(metric.Kind))
            : mean;
        return new ArmValue(arm, values.Count, value, MetricKinds.Statistic(metric.Kind) == MetricStatistic.Mean ? sd : null);
    }

    private static bool HasCovariates(MetricSample? sample) =>
        sample is { Values.Count: >= 2 } && sample.Covariates.All(double.IsFinite);

    private static string TestName(MetricPlan metric, ExperimentData data, string control, IReadOnlyList<ArmPlan> treatments) => MetricKinds.Statistic(metric.Kind) switch
    {
        _ when MetricKinds.FromObservations(metric.Kind) && HasCovariates(data.Find(metric.Name, control))
            && treatments.All(t => HasCovariates(data.Find(metric.Name, t.Name))) => "Welch t-test on CUPED-adjusted values",
        MetricStatistic.Proportion => "two-proportion z-test",
        MetricStatistic.Mean => "Welch t-test",
        _ => $"p{MetricKinds.Percentile(metric.Kind):0} difference (order-statistic interval)",
    };

    private static (ComparisonResult Result, MetricComparison? ForVerdict, double? ControlValue, double? TreatmentValue) Compare(
        MetricPlan metric, MetricSample? control, MetricSample? treatment, string arm, double alpha, List<string> notes)
    {
        ComparisonResult Empty(string note) => new(arm, null, null, null, null, null, null, null, null, null, null, null, null, false, note);
        if (control is null || treatment is null || control.Values.Count == 0 || treatment.Values.Count == 0)
        {
            return (Empty($"No data yet in {(control is null || control.Values.Count == 0 ? "control" : arm)}."), null, null, null);
        }

        try
        {
            double difference, ciLow, ciHigh, p, z, controlValue, treatmentValue;
            double? chance = null, loss = null, reduction = null;
            var cuped = MetricKinds.FromObservations(metric.Kind) && HasCovariates(control) && HasCovariates(treatment);
            if (cuped)
            {
                var r = Cuped.Analyze(control.Values, control.Covariates, treatment.Values, treatment.Covariates, alpha);
                (difference, ciLow, ciHigh, p) = (r.Adjusted.Difference, r.Adjusted.CiLow, r.Adjusted.CiHigh, r.Adjusted.PValue);
                z = ZFromP(r.Adjusted.T, p);
                reduction = r.VarianceReduction;
                (controlValue, treatmentValue) = (control.Values.Average(), treatment.Values.Average());
                var pooledMean = control.Covariates.Concat(treatment.Covariates).Average();
                var bayes = BayesianAb.Continuous(Adjusted(control, r.Theta, pooledMean), Adjusted(treatment, r.Theta, pooledMean));
                (chance, loss) = Directional(bayes, metric.HigherIsBetter);
            }
            else
            {
                switch (MetricKinds.Statistic(metric.Kind))
                {
                    case MetricStatistic.Proportion:
                        var c = new Proportion((long)Math.Round(control.Values.Sum()), control.Values.Count);
                        var t = new Proportion((long)Math.Round(treatment.Values.Sum()), treatment.Values.Count);
                        if (c.Successes + t.Successes is var s && (s == 0 || s == c.Trials + t.Trials))
                        {
                            // Both arms at 0 % (or 100 %), e.g. no errors at all: no difference, the z-test is undefined.
                            (difference, ciLow, ciHigh, p, z) = (0, 0, 0, 1, 0);
                        }
                        else
                        {
                            var prop = ExperimentStatistics.TwoProportions(c, t, alpha);
                            (difference, ciLow, ciHigh, p, z) = (prop.Difference, prop.CiLow, prop.CiHigh, prop.PValue, prop.Z);
                        }

                        (controlValue, treatmentValue) = ((double)c.Successes / c.Trials, (double)t.Successes / t.Trials);
                        (chance, loss) = Directional(BayesianAb.Conversion(c, t), metric.HigherIsBetter);
                        break;
                    case MetricStatistic.Mean:
                        var welch = ExperimentStatistics.Welch(control.Values, treatment.Values, alpha);
                        (difference, ciLow, ciHigh, p) = (welch.Difference, welch.CiLow, welch.CiHigh, welch.PValue);
                        z = ZFromP(welch.T, p);
                        (controlValue, treatmentValue) = (control.Values.Average(), treatment.Values.Average());
                        (chance, loss) = Directional(BayesianAb.Continuous(control.Values, treatment.Values), metric.HigherIsBetter);
                        break;
                    default:
                        var q = QuantileComparison.Compare(control.Values, treatment.Values, MetricKinds.Percentile(metric.Kind), alpha);
                        (difference, ciLow, ciHigh, p, z) = (q.Difference, q.CiLow, q.CiHigh, q.PValue, q.Z);
                        (controlValue, treatmentValue) = (q.Control, q.Treatment);
                        break;
                }
            }

            double? lift = null, liftLow = null, liftHigh = null;
            if (controlValue != 0)
            {
                lift = difference / controlValue;
                var a = ciLow / controlValue;
                var b = ciHigh / controlValue;
                (liftLow, liftHigh) = (Math.Min(a, b), Math.Max(a, b));
            }

            if (reduction is { } vr)
            {
                notes.Add($"CUPED on '{metric.Name}' ({arm}): the pre-period covariate removed {Percent(Math.Max(0, vr))} of the variance of the difference.");
            }

            var result = new ComparisonResult(arm, difference, ciLow, ciHigh, lift, liftLow, liftHigh, p, null, Finite(z), chance, loss, reduction, p < alpha, null);
            return (result, new MetricComparison(metric.Name, difference, ciLow, ciHigh, p, metric.HigherIsBetter), controlValue, treatmentValue);
        }
        catch (AnalysisInputException e)
        {
            return (Empty($"Not comparable yet ({e.Field}: {e.Reason})"), null, null, null);
        }
    }

    private static double[] Adjusted(MetricSample sample, double theta, double pooledMean) =>
        sample.Values.Select((y, i) => y - (theta * (sample.Covariates[i] - pooledMean))).ToArray();

    /// <summary>Chance that treatment is better and the expected loss of shipping it, in the metric's direction.</summary>
    private static (double Chance, double Loss) Directional(BayesianResult r, bool higherIsBetter) =>
        higherIsBetter ? (r.ChanceToBeatControl, r.ExpectedLossTreatment) : (1 - r.ChanceToBeatControl, r.ExpectedLossControl);

    /// <summary>The normal z with the same two-sided p-value and sign as a t statistic.</summary>
    private static double ZFromP(double t, double p) => Math.Sign(t) * Normal.InvCDF(0, 1, 1 - (Math.Max(p, 1e-300) / 2));

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static SequentialStatus Sequential(
        AnalysisPlan plan,
        IReadOnlyList<RecordedLook> history,
        double fraction,
        IReadOnlyList<ArmPlan> treatments,
        Dictionary<(string Metric, string Arm), (ComparisonResult Result, MetricComparison? ForVerdict, double? ControlValue, double? TreatmentValue)> comparisons,
        MetricPlan primary,
        double alpha,
        out Func<string, SequentialLook?> lookForArm)
    {
        var planned = Enumerable.Range(1, plan.Looks).Select(k => (double)k / plan.Looks).ToList();
        var reached = planned.Count(f => f <= fraction + 1e-12);
        var taken = history.OrderBy(h => h.Look).ToList();
        RecordedLook? thisLook = null;
        var zs = treatments.ToDictionary(
            t => t.Name,
            t => comparisons[(primary.Name, t.Name)].Result.Z,
            StringComparer.Ordinal);

        if (plan.Looks > 1 && reached > taken.Count && zs.Values.All(z => z is not null) && (taken.Count == 0 || !taken[^1].Final))
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
        lookForArm = arm => plan.Looks > 1 && last is not null && last.ZByArm.TryGetValue(arm, out var z)
            ? new SequentialLook(new SequentialBoundary(last.Look, last.InformationFraction, last.Boundary, last.NominalAlpha, last.CumulativeAlphaSpent), z, last.Final)
            : null;

        double? nextFraction = plan.Looks > 1 && (last is null || !last.Final) ? planned.FirstOrDefault(f => f > (last?.InformationFraction ?? 0) + 1e-12 && f > fraction) : null;
        if (nextFraction == 0)
        {
            nextFraction = null;
        }

        long? nextUnits = nextFraction is { } nf ? (long)Math.Ceiling(nf * plan.RequiredPerVariant) : null;
        return new SequentialStatus(plan.Looks, planned, taken, thisLook, nextFraction, nextUnits);
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

    private static GuardrailStatus GuardrailState(MetricPlan g, string arm, MetricComparison? comparison, double? controlValue, double? treatmentValue, out Guardrail? guardrail)
    {
        guardrail = null;
        var bound = g.Bound ?? 0;
        var sign = g.HigherIsBetter ? ">" : "<";
        if (comparison is null || controlValue is not { } cv || treatmentValue is not { } tv)
        {
            return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, controlValue, treatmentValue, "noData", $"{g.Name} {sign} {MetricKinds.Format(g.Kind, bound)}: not enough data yet.");
        }

        // An absolute bound as the allowed degradation from control: the treatment breaches it when it is
        // significantly worse than control and its estimate is beyond the bound.
        var allowed = Math.Max(0, g.HigherIsBetter ? cv - bound : bound - cv);
        guardrail = new Guardrail(comparison, allowed);
        var harm = g.HigherIsBetter ? -comparison.Difference : comparison.Difference;
        var harmLow = g.HigherIsBetter ? -comparison.CiHigh : comparison.CiLow;
        var harmHigh = g.HigherIsBetter ? -comparison.CiLow : comparison.CiHigh;
        var where = $"{arm} {MetricKinds.Format(g.Kind, tv)} vs control {MetricKinds.Format(g.Kind, cv)} (bound {sign} {MetricKinds.Format(g.Kind, bound)})";
        if (harmLow > 0 && harm > allowed)
        {
            return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, cv, tv, "breached", $"Breached: {where}, significantly worse than control.");
        }

        if (harmHigh > allowed)
        {
            return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, cv, tv, "caution", $"Not yet shown within the bound: {where}.");
        }

        return new GuardrailStatus(g.Name, arm, g.Kind, bound, g.HigherIsBetter, cv, tv, "ok", $"Within the bound: {where}.");
    }

    private static ArmVerdict DecideArm(
        string arm,
        (ComparisonResult Result, MetricComparison? ForVerdict, double? ControlValue, double? TreatmentValue) primary,
        SrmStatus? srm,
        IReadOnlyList<MetricComparison> secondaries,
        IReadOnlyList<Guardrail> guardrails,
        IReadOnlyList<long> counts,
        AnalysisPlan plan,
        SequentialLook? look,
        double alpha,
        out IReadOnlyList<double> adjusted)
    {
        adjusted = [];
        var stillNeeded = Math.Max(0, plan.RequiredPerVariant - counts.Min());
        if (srm is null)
        {
            return new ArmVerdict(arm, "keepRunning", ["No units of the primary metric yet."], stillNeeded, false);
        }

        var srmResult = new SrmResult(srm.Statistic, srm.PValue, srm.Mismatch);
        if (primary.ForVerdict is null)
        {
            if (srm.Mismatch)
            {
                // Decide needs a primary comparison; a stand-in with no effect lets the SRM rule speak.
                var stub = new MetricComparison("primary", 0, 0, 0, 1);
                var stop = ExperimentVerdicts.Decide(new VerdictInput(stub, [], [], srmResult, counts, plan.RequiredPerVariant, null, alpha));
                return new ArmVerdict(arm, "stop", stop.Reasons, stillNeeded, false);
            }

            return new ArmVerdict(arm, "keepRunning", [$"The primary metric cannot be compared yet: {primary.Result.Note}"], stillNeeded, false);
        }

        var v = ExperimentVerdicts.Decide(new VerdictInput(primary.ForVerdict, secondaries, guardrails, srmResult, counts, plan.RequiredPerVariant, look, alpha));
        adjusted = v.SecondaryAdjustedPValues;
        var kind = v.Kind switch
        {
            VerdictKind.Ship => "ship",
            VerdictKind.Revert => "revert",
            VerdictKind.Stop => "stop",
            _ => "keepRunning",
        };
        return new ArmVerdict(arm, kind, v.Reasons, v.Kind == VerdictKind.KeepRunning ? v.AdditionalSamplePerVariant : kind == "stop" ? stillNeeded : 0, v.PrimarySignificant);
    }

    private static (string Verdict, List<string> Reasons, long StillNeeded, string? Winner) Overall(
        IReadOnlyList<ArmVerdict> arms,
        int treatments,
        Dictionary<(string Metric, string Arm), (ComparisonResult Result, MetricComparison? ForVerdict, double? ControlValue, double? TreatmentValue)> comparisons,
        MetricPlan primary)
    {
        List<string> Prefixed(ArmVerdict a) => treatments > 1 ? a.Reasons.Select(r => $"[{a.Arm}] {r}").ToList() : a.Reasons.ToList();

        if (arms.FirstOrDefault(a => a.Verdict == "stop") is { } stopped)
        {
            return ("stop", Prefixed(stopped), 0, null);
        }

        var ships = arms.Where(a => a.Verdict == "ship").ToList();
        if (ships.Count > 0)
        {
            var best = ships.MaxBy(a => (primary.HigherIsBetter ? 1 : -1) * (comparisons[(primary.Name, a.Arm)].Result.Difference ?? 0))!;
            var reasons = Prefixed(best);
            foreach (var other in arms.Where(a => a != best))
            {
                reasons.Add($"[{other.Arm}] {other.Verdict}: {other.Reasons.FirstOrDefault()}");
            }

            return ("ship", reasons, 0, best.Arm);
        }

        if (arms.All(a => a.Verdict == "revert"))
        {
            return ("revert", arms.SelectMany(Prefixed).ToList(), 0, null);
        }

        var running = arms.Where(a => a.Verdict == "keepRunning").ToList();
        return ("keepRunning", running.SelectMany(Prefixed).Concat(arms.Where(a => a.Verdict != "keepRunning").SelectMany(Prefixed)).ToList(), running.Max(a => a.StillNeededPerVariant), null);
    }

    private static string Percent(double share) => share.ToString("P0", CultureInfo.InvariantCulture);
}
