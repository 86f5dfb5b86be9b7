using System.Globalization;
using Portal.Analysis.Drift;
using Portal.Data.Rollups;

namespace Portal.Web.Features.Drift;

/// <summary>Maps drift results and samples to what the charts draw (kept apart from the components so it is testable).</summary>
public static class DriftCharts
{
    /// <summary>One bar per column: strength 1 is the threshold, above it the column drifted.</summary>
    public sealed record ColumnStrength(string Column, double Strength, bool Drifted, string Hover);

    /// <summary>Shares of reference and current values per bin (numbers) or per category.</summary>
    public sealed record Distribution(IReadOnlyList<string> Labels, double[] Reference, double[] Current, bool Categorical = false);

    /// <summary>
    /// Puts p-value tests and distance tests on one scale: log(p)/log(threshold) for p-values, score/threshold for distances.
    /// Columns without a verdict get strength 0.
    /// </summary>
    public static IReadOnlyList<ColumnStrength> Strengths(DriftReport report) =>
        Strengths(report.ColumnResults.Select(c => (c.Column, c.Test, c.Score, c.Threshold, c.Drifted)));

    /// <summary>The same scale for stored results (column, test, score, threshold, drifted), e.g. a drift job run's features.</summary>
    public static IReadOnlyList<ColumnStrength> Strengths(IEnumerable<(string Column, string Test, double? Score, double Threshold, bool Drifted)> results)
    {
        var bars = new List<ColumnStrength>();
        foreach (var (column, test, score, threshold, drifted) in results)
        {
            var text = score is { } s ? s.ToString("G4", CultureInfo.InvariantCulture) : "no verdict";
            bars.Add(new ColumnStrength(column, Strength(test, score, threshold) ?? 0, drifted, $"{column}: {test} = {text} (threshold {threshold.ToString(CultureInfo.InvariantCulture)})"));
        }

        return bars;
    }

    /// <summary>log(p)/log(threshold) for p-value tests, score/threshold for distances; null without a score.</summary>
    public static double? Strength(string test, double? score, double threshold) => Portal.Web.Infrastructure.Dashboards.DriftSignalsReader.Strength(test, score, threshold);

    /// <summary>Equal-width bins over both samples for numbers; the most frequent categories otherwise.</summary>
    public static Distribution Overlay(ColumnSample reference, ColumnSample current, int maxBins = 30)
    {
        return reference.Type == ColumnType.Numerical
            ? NumericOverlay(reference.SortedNumbers, current.SortedNumbers, maxBins)
            : CategoryOverlay(reference.Categories, current.Categories, maxBins);
    }

    /// <summary>
    /// Reference vs current from sketches (log-bucket histograms): each bucket's count goes to the equal-width bin of
    /// its representative value (±2 % relative), over the range both sketches span.
    /// </summary>
    public static Distribution Overlay(LogHistogram reference, LogHistogram current, int maxBins = 30)
    {
        var referenceBuckets = reference.Buckets().ToList();
        var currentBuckets = current.Buckets().ToList();
        var values = referenceBuckets.Concat(currentBuckets).Select(b => b.Value).ToList();
        if (values.Count == 0)
        {
            return new Distribution([], [], []);
        }

        double min = values.Min(), max = values.Max();
        if (max == min)
        {
            return new Distribution([Format(min)], [referenceBuckets.Count > 0 ? 1 : 0], [currentBuckets.Count > 0 ? 1 : 0]);
        }

        var width = (max - min) / maxBins;
        var labels = Enumerable.Range(0, maxBins).Select(b => Format(min + ((b + 0.5) * width))).ToArray();
        return new Distribution(labels, BucketShares(referenceBuckets, min, width, maxBins), BucketShares(currentBuckets, min, width, maxBins));
    }

    /// <summary>Reference vs current category counts (top-k sketches), the most frequent categories first.</summary>
    public static Distribution Overlay(Dictionary<string, long> reference, Dictionary<string, long> current, int top = 30)
    {
        double refTotal = reference.Values.Sum(), curTotal = current.Values.Sum();
        var labels = reference.Keys.Union(current.Keys)
            .OrderByDescending(k => (refTotal > 0 ? reference.GetValueOrDefault(k) / refTotal : 0) + (curTotal > 0 ? current.GetValueOrDefault(k) / curTotal : 0))
            .ThenBy(k => k, StringComparer.Ordinal)
            .Take(top)
            .ToArray();
        return new Distribution(
            labels,
            labels.Select(k => refTotal > 0 ? reference.GetValueOrDefault(k) / refTotal : 0).ToArray(),
            labels.Select(k => curTotal > 0 ? current.GetValueOrDefault(k) / curTotal : 0).ToArray(),
            Categorical: true);
    }

    private static double[] BucketShares(List<(double Value, long Count)> buckets, double min, double width, int bins)
    {
        var shares = new double[bins];
        double total = buckets.Sum(b => b.Count);
        foreach (var (value, count) in buckets)
        {
            shares[Math.Min(bins - 1, (int)((value - min) / width))] += count / total;
        }

        return shares;
    }

    private static Distribution NumericOverlay(double[] reference, double[] current, int bins)
    {
        if (reference.Length + current.Length == 0)
        {
            return new Distribution([], [], []);
        }

        var min = Math.Min(reference.Length > 0 ? reference[0] : double.MaxValue, current.Length > 0 ? current[0] : double.MaxValue);
        var max = Math.Max(reference.Length > 0 ? reference[^1] : double.MinValue, current.Length > 0 ? current[^1] : double.MinValue);
        if (max == min)
        {
            return new Distribution([Format(min)], [reference.Length > 0 ? 1 : 0], [current.Length > 0 ? 1 : 0]);
        }

        var width = (max - min) / bins;
        var labels = new string[bins];
        for (var b = 0; b < bins; b++)
        {
            labels[b] = Format(min + (b + 0.5) * width);
        }

        return new Distribution(labels, Shares(reference, min, width, bins), Shares(current, min, width, bins));
    }

    private static double[] Shares(double[] values, double min, double width, int bins)
    {
        var shares = new double[bins];
        foreach (var v in values)
        {
            shares[Math.Min(bins - 1, (int)((v - min) / width))]++;
        }

        for (var b = 0; b < bins && values.Length > 0; b++)
        {
            shares[b] /= values.Length;
        }

        return shares;
    }

    private static Distribution CategoryOverlay(string[] reference, string[] current, int top)
    {
        var refCounts = reference.CountBy(v => v).ToDictionary();
        var curCounts = current.CountBy(v => v).ToDictionary();
        var labels = refCounts.Keys.Union(curCounts.Keys)
            .OrderByDescending(k => refCounts.GetValueOrDefault(k) + curCounts.GetValueOrDefault(k))
            .ThenBy(k => k, StringComparer.Ordinal)
            .Take(top)
            .ToArray();
        return new Distribution(
            labels,
            labels.Select(k => reference.Length == 0 ? 0 : (double)refCounts.GetValueOrDefault(k) / reference.Length).ToArray(),
            labels.Select(k => current.Length == 0 ? 0 : (double)curCounts.GetValueOrDefault(k) / current.Length).ToArray(),
            Categorical: true);
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
