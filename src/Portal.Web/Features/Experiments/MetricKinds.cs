using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>How a metric's per-arm value is summarised and tested.</summary>
public enum MetricStatistic
{
    /// <summary>A rate of 0/1 values: two-proportion z-test.</summary>
    Proportion,

    /// <summary>A mean: Welch's t-test (CUPED when covariates are given).</summary>
    Mean,

    /// <summary>A percentile: order-statistic interval of the difference.</summary>
    Quantile,
}

/// <summary>What each <see cref="MetricKind"/> means for data, tests, direction and display.</summary>
public static class MetricKinds
{
    public static readonly IReadOnlyList<MetricKind> All = Enum.GetValues<MetricKind>();

    /// <summary>True for metrics sent through POST …/observations (the others come from predictions).</summary>
    public static bool FromObservations(MetricKind kind) => kind is MetricKind.Conversion or MetricKind.Continuous;

    /// <summary>True for metrics computed from the model's predictions (aggregated per unit when predictions name it).</summary>
    public static bool FromPredictions(MetricKind kind) => !FromObservations(kind);

    public static bool NeedsLabels(MetricKind kind) => kind is MetricKind.Accuracy or MetricKind.AbsoluteError;

    public static MetricStatistic Statistic(MetricKind kind) => kind switch
    {
        MetricKind.Conversion or MetricKind.Accuracy or MetricKind.ErrorRate => MetricStatistic.Proportion,
        MetricKind.LatencyP95 or MetricKind.LatencyP99 => MetricStatistic.Quantile,
        _ => MetricStatistic.Mean,
    };

    /// <summary>The percentile of a quantile metric.</summary>
    public static double Percentile(MetricKind kind) => kind == MetricKind.LatencyP95 ? 95 : 99;

    public static bool DefaultHigherIsBetter(MetricKind kind) => kind is MetricKind.Conversion or MetricKind.Continuous or MetricKind.Accuracy;

    /// <summary>A name for a new metric of this kind (observation metrics are usually renamed, e.g. "checkout").</summary>
    public static string DefaultName(MetricKind kind) => kind switch
    {
        MetricKind.Conversion => "conversion",
        MetricKind.Continuous => "revenue",
        MetricKind.Accuracy => "accuracy",
        MetricKind.ErrorRate => "error-rate",
        MetricKind.Latency => "latency-mean",
        MetricKind.LatencyP95 => "latency-p95",
        MetricKind.LatencyP99 => "latency-p99",
        MetricKind.AbsoluteError => "abs-error",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Describe(MetricKind kind) => kind switch
    {
        MetricKind.Conversion => "Conversion (obs.)",
        MetricKind.Continuous => "Value (obs.)",
        MetricKind.Accuracy => "Accuracy (labelled)",
        MetricKind.ErrorRate => "Error rate",
        MetricKind.Latency => "Latency mean",
        MetricKind.LatencyP95 => "Latency p95",
        MetricKind.LatencyP99 => "Latency p99",
        MetricKind.AbsoluteError => "Abs. error (labelled)",
        _ => kind.ToString(),
    };

    /// <summary>A difference in the metric's units: percentage points for rates, milliseconds for latency.</summary>
    public static string FormatDifference(MetricKind kind, double value) => Statistic(kind) == MetricStatistic.Proportion
        ? (value * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " pp"
        : Format(kind, value);

    /// <summary>Rates as percentages, milliseconds for latency, numbers otherwise.</summary>
    public static string Format(MetricKind kind, double? value) => value switch
    {
        null => "—",
        double v when Statistic(kind) == MetricStatistic.Proportion => v.ToString("P2", System.Globalization.CultureInfo.InvariantCulture),
        double v when kind is MetricKind.Latency or MetricKind.LatencyP95 or MetricKind.LatencyP99 => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " ms",
        double v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
    };
}
