using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Dashboards;
using static Portal.Web.Infrastructure.Figures;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// Sums of quality rollup rows (labelled predictions) and the metrics they give — the one place where rollup sums
/// become accuracy, precision, recall, F1, MAE, RMSE and R² (dashboards, the quality job and alert rules all use it).
/// Binary metrics follow scikit-learn's <c>zero_division=0</c>: a ratio with nothing to divide by is 0 (e.g. F1 = 0
/// when TP = 0 and FP + FN &gt; 0); they are null only when there are no binary counts at all (no labels, multiclass
/// or regression).
/// </summary>
public sealed class QualityStats : IRollupSums<QualityStats, QualityRollup>
{
    public long Labelled { get; private set; }

    public long Correct { get; private set; }

    public long TruePositives { get; private set; }

    public long FalsePositives { get; private set; }

    public long FalseNegatives { get; private set; }

    public long TrueNegatives { get; private set; }

    public double AbsErrorSum { get; private set; }

    public double SqErrorSum { get; private set; }

    public double LabelSum { get; private set; }

    public double LabelSumSq { get; private set; }

    /// <summary>Whether any labelled prediction was counted as TP, FP, FN or TN (binary classifiers).</summary>
    public bool HasBinaryCounts => TruePositives + FalsePositives + FalseNegatives + TrueNegatives > 0;

    public double? Accuracy => Ratio(Correct, Labelled);

    public double? Precision => HasBinaryCounts ? ZeroDivision(TruePositives, TruePositives + FalsePositives) : null;

    public double? Recall => HasBinaryCounts ? ZeroDivision(TruePositives, TruePositives + FalseNegatives) : null;

    /// <summary>2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.</summary>
    public double? F1 => HasBinaryCounts ? ZeroDivision(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives) : null;

    public double? Mae => Ratio(AbsErrorSum, Labelled);

    public double? Rmse => Labelled > 0 ? Finite(Math.Sqrt(SqErrorSum / Labelled)) : null;

    /// <summary>1 − SSE / total sum of squares of the labels; null with fewer than two labels or constant labels.</summary>
    public double? R2
    {
        get
        {
            var total = Labelled > 0 ? LabelSumSq - (LabelSum * LabelSum / Labelled) : 0;
            return Labelled > 1 && total > 0 ? Finite(1 - (SqErrorSum / total)) : null;
        }
    }

    public static QualityStats Sum(IEnumerable<QualityStats> parts) => RollupSums.Sum<QualityStats, QualityRollup>(parts);

    public static QualityStats Sum(IEnumerable<QualityRollup> rows) => RollupSums.SumRows<QualityStats, QualityRollup>(rows);

    public void Add(QualityRollup r) => Add(r.Labelled, r.Correct, r.TruePositives, r.FalsePositives, r.FalseNegatives, r.TrueNegatives, r.AbsErrorSum, r.SqErrorSum, r.LabelSum, r.LabelSumSq);

    public void Add(QualityStats o) => Add(o.Labelled, o.Correct, o.TruePositives, o.FalsePositives, o.FalseNegatives, o.TrueNegatives, o.AbsErrorSum, o.SqErrorSum, o.LabelSum, o.LabelSumSq);

    private void Add(long labelled, long correct, long tp, long fp, long fn, long tn, double abs, double sq, double labelSum, double labelSumSq)
    {
        Labelled += labelled;
        Correct += correct;
        TruePositives += tp;
        FalsePositives += fp;
        FalseNegatives += fn;
        TrueNegatives += tn;
        AbsErrorSum += abs;
        SqErrorSum += sq;
        LabelSum += labelSum;
        LabelSumSq += labelSumSq;
    }

    private static double ZeroDivision(long numerator, long denominator) => denominator > 0 ? (double)numerator / denominator : 0;
}

/// <summary>Reads quality rollups for the dashboards and the quality job: sums in SQL, hour rows for whole hours.</summary>
public static class QualityRollupQueries
{
    /// <summary>
    /// The quality rollups of a model whose minute starts in [<paramref name="fromMs"/>, <paramref name="toMs"/>), summed
    /// per version (versions with no rows are absent): hour rows for the whole hours, minute rows for the rest.
    /// </summary>
    public static async Task<Dictionary<string, QualityStats>> SumsByVersionAsync(PortalDbContext db, int modelId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var range = new TimeRange(fromMs, toMs - 1, 60_000);
        var split = RollupQueries.Split(range, bucketed: false);
        var sums = new Dictionary<string, QualityStats>(StringComparer.Ordinal);
        void Add(IEnumerable<(string Version, QualityRollup Sums)> rows)
        {
            foreach (var (version, row) in rows)
            {
                if (!sums.TryGetValue(version, out var stats))
                {
                    sums[version] = stats = new QualityStats();
                }

                stats.Add(row);
            }
        }

        foreach (var (from, to) in RollupQueries.MinuteParts(range, split))
        {
            Add(await GroupedSumsAsync(db.QualityRollups.Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to), r => r.Version, cancellationToken));
        }

        if (split.HasHours)
        {
            Add(await GroupedSumsAsync(db.QualityHourRollups.Where(r => r.ModelId == modelId && r.HourMs >= split.HourFrom && r.HourMs < split.HourTo), r => r.Version, cancellationToken));
        }

        return sums;
    }

    /// <summary>Quality rows grouped by <paramref name="key"/> and summed in SQL (one row per group comes back).</summary>
    public static async Task<List<(TKey Key, QualityRollup Sums)>> GroupedSumsAsync<T, TKey>(IQueryable<T> rows, Expression<Func<T, TKey>> key, CancellationToken cancellationToken)
        where T : QualitySums
    {
        var groups = await rows.AsNoTracking().GroupBy(key)
            .Select(g => new
            {
                g.Key,
                Sums = new QualityRollup
                {
                    Version = "",
                    Labelled = g.Sum(r => r.Labelled),
                    Correct = g.Sum(r => r.Correct),
                    TruePositives = g.Sum(r => r.TruePositives),
                    FalsePositives = g.Sum(r => r.FalsePositives),
                    FalseNegatives = g.Sum(r => r.FalseNegatives),
                    TrueNegatives = g.Sum(r => r.TrueNegatives),
                    AbsErrorSum = g.Sum(r => r.AbsErrorSum),
                    SqErrorSum = g.Sum(r => r.SqErrorSum),
                    LabelSum = g.Sum(r => r.LabelSum),
                    LabelSumSq = g.Sum(r => r.LabelSumSq),
                },
            })
            .ToListAsync(cancellationToken);
        return groups.Select(g => (g.Key, g.Sums)).ToList();
    }
}
