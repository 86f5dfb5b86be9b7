using MathNet.Numerics.Statistics;

namespace Portal.Analysis.Experiments;

/// <summary>
/// One prediction answered by production and by a shadow model version. Classifiers give a class
/// (<paramref name="ProductionClass"/>) and optionally a score; regression models give a value in the score fields.
/// <paramref name="Label"/> / <paramref name="LabelValue"/> hold the ground truth when it arrived.
/// </summary>
public sealed record ShadowPair(
    string? ProductionClass,
    string? ShadowClass,
    double? ProductionScore,
    double? ShadowScore,
    string? Label = null,
    double? LabelValue = null);

/// <summary>How a shadow version compares to production on the same predictions.</summary>
/// <param name="Pairs">Predictions answered by both.</param>
/// <param name="AgreementRate">Share of pairs with the same class (classifiers); null for regression or no pairs.</param>
/// <param name="ScoreCorrelation">Pearson correlation of the scores (classifiers) or predicted values (regression) over pairs with both; null with fewer than 3 or a constant side.</param>
/// <param name="MeanAbsoluteScoreDifference">Mean |shadow − production| score or value.</param>
/// <param name="Labelled">Pairs with a label.</param>
/// <param name="Metric">"accuracy" (classifiers) or "mae" (regression).</param>
/// <param name="ProductionMetric">The metric of production on the labelled pairs.</param>
/// <param name="ShadowMetric">The metric of the shadow version on the same pairs.</param>
/// <param name="MetricDifference">Shadow − production.</param>
public sealed record ShadowResult(
    long Pairs,
    double? AgreementRate,
    double? ScoreCorrelation,
    double? MeanAbsoluteScoreDifference,
    long Labelled,
    string Metric,
    double? ProductionMetric,
    double? ShadowMetric,
    double? MetricDifference);

/// <summary>Shadow-versus-production comparison on paired predictions (same prediction, two model versions).</summary>
public static class ShadowComparison
{
    public static ShadowResult Compare(IReadOnlyList<ShadowPair> pairs, bool classifier)
    {
        long agree = 0, classPairs = 0, labelled = 0;
        double productionMetric = 0, shadowMetric = 0, absDiff = 0;
        var prodScores = new List<double>(pairs.Count);
        var shadowScores = new List<double>(pairs.Count);
        foreach (var p in pairs)
        {
            if (p.ProductionClass is not null && p.ShadowClass is not null)
            {
                classPairs++;
                agree += p.ProductionClass == p.ShadowClass ? 1 : 0;
            }

            if (p.ProductionScore is { } ps && p.ShadowScore is { } ss && double.IsFinite(ps) && double.IsFinite(ss))
            {
                prodScores.Add(ps);
                shadowScores.Add(ss);
                absDiff += Math.Abs(ss - ps);
            }

            if (classifier && p.Label is not null && p.ProductionClass is not null && p.ShadowClass is not null)
            {
                labelled++;
                productionMetric += p.ProductionClass == p.Label ? 1 : 0;
                shadowMetric += p.ShadowClass == p.Label ? 1 : 0;
            }
            else if (!classifier && p.LabelValue is { } y && p.ProductionScore is { } pv && p.ShadowScore is { } sv)
            {
                labelled++;
                productionMetric += Math.Abs(pv - y);
                shadowMetric += Math.Abs(sv - y);
            }
        }

        double? correlation = null;
        if (prodScores.Count >= 3)
        {
            var r = Correlation.Pearson(prodScores, shadowScores);
            correlation = double.IsFinite(r) ? r : null;
        }

        double? production = labelled > 0 ? productionMetric / labelled : null;
        double? shadow = labelled > 0 ? shadowMetric / labelled : null;
        return new ShadowResult(
            pairs.Count,
            classifier && classPairs > 0 ? (double)agree / classPairs : null,
            correlation,
            prodScores.Count > 0 ? absDiff / prodScores.Count : null,
            labelled,
            classifier ? "accuracy" : "mae",
            production,
            shadow,
            labelled > 0 ? shadow - production : null);
    }
}
