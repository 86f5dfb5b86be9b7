namespace Portal.Web.Features.Experiments;

/// <summary>Maps stored analyses to what the results page charts draw (kept apart from the components so it is testable).</summary>
public static class ExperimentCharts
{
    /// <summary>One stored analysis as the charts need it.</summary>
    public sealed record AnalysisPoint(DateTime At, double InformationFraction, int? Look, IReadOnlyList<PrimaryPoint> Primary);

    /// <summary>Cumulative lift of one treatment arm over time: the estimate and its interval (percent), analyses without one left out.</summary>
    public sealed record LiftSeries(string Arm, IReadOnlyList<DateTime> At, IReadOnlyList<double> Lift, IReadOnlyList<double> Low, IReadOnlyList<double> High);

    /// <summary>z of the primary metric per analysis, the looks, and the O'Brien–Fleming boundary (± the same value).</summary>
    public sealed record SequentialSeries(
        IReadOnlyList<double> BoundaryFractions,
        IReadOnlyList<double> BoundaryZ,
        IReadOnlyList<ZSeries> Arms);

    public sealed record ZSeries(string Arm, IReadOnlyList<double> Fraction, IReadOnlyList<double> Z, IReadOnlyList<double> LookFraction, IReadOnlyList<double> LookZ);

    public static IReadOnlyList<LiftSeries> Lift(IReadOnlyList<AnalysisPoint> analyses)
    {
        var arms = analyses.SelectMany(a => a.Primary.Select(p => p.Arm)).Distinct().ToList();
        return arms.Select(arm =>
        {
            var points = analyses.Select(a => (a.At, Point: a.Primary.FirstOrDefault(p => p.Arm == arm)))
                .Where(x => x.Point is { Lift: not null, LiftLow: not null, LiftHigh: not null }).ToList();
            return new LiftSeries(
                arm,
                points.Select(p => p.At).ToList(),
                points.Select(p => 100 * p.Point!.Lift!.Value).ToList(),
                points.Select(p => 100 * p.Point!.LiftLow!.Value).ToList(),
                points.Select(p => 100 * p.Point!.LiftHigh!.Value).ToList());
        }).ToList();
    }

    /// <summary>
    /// The boundary is drawn at the planned fractions (what the plan promises); z of every analysis by its information
    /// fraction, with the looks (the only analyses a decision is taken at) marked. Null (no chart) when the analysis
    /// planned no looks: an always-valid (confidence sequence) experiment has no boundary to draw.
    /// </summary>
    public static SequentialSeries? Sequential(ExperimentResult latest, IReadOnlyList<AnalysisPoint> analyses, double alpha)
    {
        var planned = latest.Sequential.PlannedFractions;
        if (planned.Count == 0)
        {
            return null;
        }

        var treatments = Math.Max(1, latest.Arms.Count - 1);
        var boundary = ExperimentAnalyzer.Boundaries(planned, alpha / treatments).Select(b => b.Z).ToList();
        var looks = latest.Sequential.Looks;
        var arms = latest.Arms.Where(a => !a.IsControl).Select(a => a.Arm).ToList();
        var series = arms.Select(arm =>
        {
            var points = analyses.Select(a => (a.InformationFraction, Z: a.Primary.FirstOrDefault(p => p.Arm == arm)?.Z)).Where(p => p.Z is not null).ToList();
            var armLooks = looks.Where(l => l.ZByArm.ContainsKey(arm)).ToList();
            return new ZSeries(arm, points.Select(p => p.InformationFraction).ToList(), points.Select(p => p.Z!.Value).ToList(),
                armLooks.Select(l => l.InformationFraction).ToList(), armLooks.Select(l => l.ZByArm[arm]).ToList());
        }).ToList();
        return new SequentialSeries(planned, boundary, series);
    }
}
