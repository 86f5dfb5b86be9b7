using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>The plan the form shows while typing: units per arm, total, and days at the model's current traffic.</summary>
/// <param name="RequiredPerVariant">Units each live arm needs; null when the inputs do not allow a plan yet.</param>
/// <param name="Days">Estimated days to reach it; null without traffic in the last 24 h.</param>
/// <param name="Error">Why there is no plan ("field: reason"), or null.</param>
public sealed record ExperimentPlan(long? RequiredPerVariant, long? TotalUnits, double? RequestsPerDay, double? Days, string? Error);

/// <summary>
/// Sample size of the primary metric and duration. Conversion-like metrics (conversion, accuracy, error rate) use
/// <see cref="ExperimentStatistics.SampleSizePerVariant"/> on the baseline rate; means use
/// <see cref="SampleSizes.ContinuousPerVariant"/> on the baseline mean and standard deviation. With k treatment
/// arms each comparison gets α/k (Bonferroni). Duration = required / (requests per day × smallest live share): it
/// assumes every request brings a new unit, so for users or sessions who return it is a lower bound.
/// </summary>
public static class ExperimentPlanner
{
    public static ExperimentPlan Plan(ExperimentDraft draft, double? requestsPerDay)
    {
        try
        {
            var required = RequiredPerVariant(draft);
            var live = draft.LiveArms.ToList();
            var minShare = live.Count > 0 ? live.Min(a => a.Share) : 0;
            double? days = requestsPerDay is > 0 && minShare > 0 ? required / (requestsPerDay.Value * minShare / 100) : null;
            return new ExperimentPlan(required, required * live.Count, requestsPerDay, days, null);
        }
        catch (AnalysisInputException e)
        {
            return new ExperimentPlan(null, null, requestsPerDay, null, $"{e.Field}: {e.Reason}");
        }
    }

    /// <summary>Units per live arm for the primary metric.</summary>
    /// <exception cref="AnalysisInputException">Inputs that do not allow a plan, naming the form field.</exception>
    public static long RequiredPerVariant(ExperimentDraft draft)
    {
        var primary = draft.Primary ?? throw new AnalysisInputException("metrics", "exactly one metric must be the primary metric.");
        var treatments = Math.Max(1, draft.LiveArms.Count(a => !a.IsControl));
        var alpha = draft.Alpha / treatments;
        if (!(draft.Alpha > 0 && draft.Alpha < 0.5))
        {
            throw new AnalysisInputException("alpha", "must be between 0 and 0.5 (e.g. 0.05).");
        }

        if (!(draft.Power > 0 && draft.Power < 1))
        {
            throw new AnalysisInputException("power", "must be between 0 and 1 (e.g. 0.8).");
        }

        if (!(draft.MinimumDetectableEffect > 0 && draft.MinimumDetectableEffect <= 10))
        {
            throw new AnalysisInputException("minimumDetectableEffect", "must be a relative change above 0 (0.05 = 5 %), at most 10.");
        }

        switch (MetricKinds.Statistic(primary.Kind))
        {
            case MetricStatistic.Proportion:
                if (draft.BaselineValue is not { } rate || !(rate > 0 && rate < 1))
                {
                    throw new AnalysisInputException("baselineValue", "the primary metric is a rate: give its expected control value between 0 and 1 (e.g. 0.1 for 10 %).");
                }

                var change = primary.BetterUp ? draft.MinimumDetectableEffect : -draft.MinimumDetectableEffect;
                var target = rate * (1 + change);
                if (!(target > 0 && target < 1))
                {
                    throw new AnalysisInputException("minimumDetectableEffect", $"moves the rate {rate:G4} to {target:G4}, outside (0, 1).");
                }

                return ExperimentStatistics.SampleSizePerVariant(rate, change, draft.Power, alpha);
            case MetricStatistic.Mean:
                if (draft.BaselineValue is not { } mean || mean == 0 || !double.IsFinite(mean))
                {
                    throw new AnalysisInputException("baselineValue", "the primary metric is a mean: give its expected control mean (not 0).");
                }

                if (draft.BaselineStdDev is not { } sd || !(sd > 0) || !double.IsFinite(sd))
                {
                    throw new AnalysisInputException("baselineStdDev", "the primary metric is a mean: give its expected standard deviation (> 0).");
                }

                return SampleSizes.ContinuousPerVariant(mean, sd, draft.MinimumDetectableEffect, draft.Power, alpha);
            default:
                throw new AnalysisInputException("metrics", "a percentile cannot be the primary metric; use it as a guardrail or secondary metric.");
        }
    }
}
