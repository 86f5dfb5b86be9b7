using Portal.Analysis.Common;

namespace Portal.Analysis.Fairness;

/// <summary>Performance of a binary classifier within one value of the sensitive attribute.</summary>
/// <param name="Group">The attribute value ("(missing)" for null).</param>
/// <param name="Count">Rows in the group.</param>
/// <param name="IncludedInRatios">False when the group is smaller than the minimum size: reported, not compared.</param>
/// <param name="Accuracy">Share of correct predictions.</param>
/// <param name="SelectionRate">Share predicted positive.</param>
/// <param name="FalsePositiveRate">FP / (FP + TN); NaN when the group has no negatives.</param>
/// <param name="TruePositiveRate">TP / (TP + FN); NaN when the group has no positives.</param>
public sealed record GroupPerformance(
    string Group,
    int Count,
    bool IncludedInRatios,
    double Accuracy,
    double SelectionRate,
    double FalsePositiveRate,
    double TruePositiveRate);

/// <summary>min/max of one metric over the groups large enough to compare.</summary>
/// <param name="Metric">accuracy, selectionRate, falsePositiveRate or truePositiveRate.</param>
/// <param name="Ratio">min/max over the compared groups (1 when all are 0); null with fewer than two groups to compare.</param>
/// <param name="LowestGroup">Group with the minimum.</param>
/// <param name="HighestGroup">Group with the maximum.</param>
/// <param name="Flagged">True when the ratio is below the threshold (default 0.8, the "four-fifths rule").</param>
public sealed record DisparityRatio(string Metric, double? Ratio, string? LowestGroup, string? HighestGroup, bool Flagged);

/// <summary>Per-group performance and disparity ratios.</summary>
/// <param name="Groups">One entry per attribute value, ordered by value (ordinal).</param>
/// <param name="Disparities">One entry per metric.</param>
/// <param name="MinGroupSize">Groups below this size are excluded from the ratios.</param>
/// <param name="Threshold">Ratios below this are flagged.</param>
public sealed record FairnessReport(IReadOnlyList<GroupPerformance> Groups, IReadOnlyList<DisparityRatio> Disparities, int MinGroupSize, double Threshold);

/// <summary>
/// Group fairness of a binary classifier (labels 0/1, positive = 1), in the spirit of Fairlearn's
/// <c>MetricFrame(...).ratio(method="between_groups")</c>: for each metric the ratio of the smallest to the
/// largest group value, so 1 means parity.
/// </summary>
public static class FairnessAnalysis
{
    /// <summary>Metric names used in <see cref="DisparityRatio.Metric"/>.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["accuracy", "selectionRate", "falsePositiveRate", "truePositiveRate"];

    /// <summary>Label used for rows whose sensitive value is null.</summary>
    public const string MissingGroup = "(missing)";

    /// <summary>
    /// Computes per-group metrics and disparity ratios. Groups with fewer than <paramref name="minGroupSize"/> rows
    /// are reported but left out of the ratios; a metric undefined in a group (NaN) leaves that group out of
    /// that metric's ratio.
    /// </summary>
    public static FairnessReport Evaluate(
        IReadOnlyList<string?> sensitive,
        IReadOnlyList<int> yTrue,
        IReadOnlyList<int> yPred,
        int minGroupSize = 30,
        double threshold = 0.8)
    {
        Guard.NotNull(sensitive, nameof(sensitive));
        Guard.Binary(yTrue, nameof(yTrue));
        Guard.Binary(yPred, nameof(yPred));
        Guard.SameLength(yTrue.Count, yPred.Count, nameof(yPred));
        Guard.SameLength(yTrue.Count, sensitive.Count, nameof(sensitive));
        Guard.Positive(minGroupSize, nameof(minGroupSize));
        Guard.Probability(threshold, nameof(threshold), allowOne: true);

        // tn, fp, fn, tp per group
        var counts = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        for (var i = 0; i < yTrue.Count; i++)
        {
            var key = sensitive[i] ?? MissingGroup;
            if (!counts.TryGetValue(key, out var c))
            {
                c = new long[4];
                counts[key] = c;
            }

            c[2 * yTrue[i] + yPred[i]]++;
        }

        var groups = new List<GroupPerformance>(counts.Count);
        foreach (var (group, c) in counts)
        {
            long tn = c[0], fp = c[1], fn = c[2], tp = c[3];
            var n = (int)(tn + fp + fn + tp);
            groups.Add(new GroupPerformance(
                group,
                n,
                n >= minGroupSize,
                (double)(tp + tn) / n,
                (double)(tp + fp) / n,
                fp + tn > 0 ? (double)fp / (fp + tn) : double.NaN,
                tp + fn > 0 ? (double)tp / (tp + fn) : double.NaN));
        }

        var disparities = new List<DisparityRatio>(MetricNames.Count);
        for (var m = 0; m < MetricNames.Count; m++)
        {
            disparities.Add(Ratio(groups, MetricNames[m], m, threshold));
        }

        return new FairnessReport(groups, disparities, minGroupSize, threshold);
    }

    private static double Value(GroupPerformance g, int metric) => metric switch
    {
        0 => g.Accuracy,
        1 => g.SelectionRate,
        2 => g.FalsePositiveRate,
        _ => g.TruePositiveRate,
    };

    private static DisparityRatio Ratio(List<GroupPerformance> groups, string name, int metric, double threshold)
    {
        GroupPerformance? lowest = null, highest = null;
        var compared = 0;
        foreach (var g in groups)
        {
            var v = Value(g, metric);
            if (!g.IncludedInRatios || double.IsNaN(v))
            {
                continue;
            }

            compared++;
            if (lowest is null || v < Value(lowest, metric))
            {
                lowest = g;
            }

            if (highest is null || v > Value(highest, metric))
            {
                highest = g;
            }
        }

        if (compared < 2)
        {
            return new DisparityRatio(name, null, null, null, false);
        }

        var max = Value(highest!, metric);
        var ratio = max > 0 ? Value(lowest!, metric) / max : 1.0;
        return new DisparityRatio(name, ratio, lowest!.Group, highest!.Group, ratio < threshold);
    }
}
