using System.Globalization;
using Portal.Analysis.Drift;

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
    public static IReadOnlyList<ColumnStrength> Strengths(DriftReport report)
    {
        var bars = new List<ColumnStrength>(report.ColumnResults.Count);
        foreach (var c in report.ColumnResults)
        {
            var strength = c.Score switch
            {
                null => 0,
                double p when DriftTestIds.IsPValueTest(c.Test) => Math.Log(Math.Max(p, 1e-300)) / Math.Log(c.Threshold),
                double d => d / c.Threshold,
            };
            var score = c.Score is { } s ? s.ToString("G4", CultureInfo.InvariantCulture) : "no verdict";
            bars.Add(new ColumnStrength(c.Column, strength, c.Drifted, $"{c.Column}: {c.Test} = {score} (threshold {c.Threshold.ToString(CultureInfo.InvariantCulture)})"));
        }

        return bars;
    }

    /// <summary>Equal-width bins over both samples for numbers; the most frequent categories otherwise.</summary>
    public static Distribution Overlay(ColumnSample reference, ColumnSample current, int maxBins = 30)
    {
        return reference.Type == ColumnType.Numerical
            ? NumericOverlay(reference.SortedNumbers, current.SortedNumbers, maxBins)
            : CategoryOverlay(reference.Categories, current.Categories, maxBins);
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
