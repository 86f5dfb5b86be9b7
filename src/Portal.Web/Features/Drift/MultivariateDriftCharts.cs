using System.Globalization;

namespace Portal.Web.Features.Drift;

/// <summary>One drift run's multivariate results (null fields: not computed in that run).</summary>
public sealed record MultivariatePoint(
    DateTime At, double? Error, double? BandLower, double? BandUpper, bool? PcaDrift, int? Components,
    double? MmdStatistic, double? MmdPValue, bool? MmdDrift, string? Message);

/// <summary>
/// A value over time with an optional shaded band (<see cref="Lower"/>–<see cref="Upper"/>), the points that drifted
/// marked, and an optional horizontal threshold line. Null values are gaps.
/// </summary>
public sealed record BandFigure(
    IReadOnlyList<DateTime> Times, string ValueName, IReadOnlyList<double?> Values, IReadOnlyList<double?> Lower, IReadOnlyList<double?> Upper,
    IReadOnlyList<DateTime> DriftTimes, IReadOnlyList<double> DriftValues, string YTitle, double? Threshold = null, string? ThresholdLabel = null,
    bool LogY = false)
{
    public bool HasBand => Lower.Any(v => v is not null);
}

/// <summary>A current value with what it means, one line.</summary>
public sealed record MultivariateFact(string Label, string Value, string Explanation, bool Drift, string TestId);

/// <summary>Maps stored multivariate drift results to the Drift tab's charts and current values (kept apart from the components so it is testable).</summary>
public static class MultivariateDriftCharts
{
    /// <summary>PCA reconstruction error per run with the reference band shaded; runs outside the band are the drift points.</summary>
    public static BandFigure Reconstruction(IReadOnlyList<MultivariatePoint> points)
    {
        var drifted = points.Where(p => p is { PcaDrift: true, Error: not null }).ToList();
        return new BandFigure(
            [.. points.Select(p => p.At)], "reconstruction error",
            [.. points.Select(p => p.Error)], [.. points.Select(p => p.Error is null ? null : p.BandLower)], [.. points.Select(p => p.Error is null ? null : p.BandUpper)],
            [.. drifted.Select(p => p.At)], [.. drifted.Select(p => p.Error!.Value)], "mean reconstruction error");
    }

    /// <summary>MMD p-value per run (log scale) with the alpha line; runs below alpha are the drift points.</summary>
    public static BandFigure MmdPValue(IReadOnlyList<MultivariatePoint> points, double alpha)
    {
        var drifted = points.Where(p => p is { MmdDrift: true, MmdPValue: not null }).ToList();
        return new BandFigure(
            [.. points.Select(p => p.At)], "MMD p-value", [.. points.Select(p => p.MmdPValue)], [], [],
            [.. drifted.Select(p => p.At)], [.. drifted.Select(p => p.MmdPValue!.Value)], "p-value (log)",
            alpha, $"alpha {alpha.ToString("0.###", CultureInfo.InvariantCulture)}", LogY: true);
    }

    /// <summary>The latest run's values, each with a one-line explanation; empty when the run computed nothing.</summary>
    public static IReadOnlyList<MultivariateFact> Current(MultivariatePoint? latest, double alpha)
    {
        if (latest?.Error is not { } error)
        {
            return [];
        }

        var facts = new List<MultivariateFact>
        {
            new("PCA reconstruction error", Number(error),
                latest.PcaDrift == true
                    ? $"Outside the reference band {Number(latest.BandLower)}–{Number(latest.BandUpper)}: the relationships between the numerical features changed."
                    : $"Within the reference band {Number(latest.BandLower)}–{Number(latest.BandUpper)}: the features relate to each other as in the reference.",
                latest.PcaDrift == true, "pca-error"),
        };
        if (latest.MmdPValue is { } p)
        {
            facts.Add(new("MMD p-value", p.ToString("0.####", CultureInfo.InvariantCulture),
                latest.MmdDrift == true
                    ? $"Below alpha {alpha.ToString("0.###", CultureInfo.InvariantCulture)}: the window's joint distribution differs from the reference (MMD² {Number(latest.MmdStatistic)})."
                    : $"At or above alpha {alpha.ToString("0.###", CultureInfo.InvariantCulture)}: no evidence that the joint distribution differs from the reference (MMD² {Number(latest.MmdStatistic)}).",
                latest.MmdDrift == true, "mmd-p"));
        }

        return facts;
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
}
