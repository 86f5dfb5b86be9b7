using Portal.Data.Entities;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Quality;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Tests.Ingestion;

/// <summary>Rollup sums → metrics in one place: the dashboards, the quality job and alert rules agree.</summary>
public sealed class QualityStatsTests
{
    [Fact]
    public void With_no_true_positive_but_errors_precision_recall_and_f1_are_zero_as_in_scikit_learn()
    {
        var stats = QualityStats.Sum([new QualityRollup { Version = "", Labelled = 5, Correct = 2, FalsePositives = 2, FalseNegatives = 1, TrueNegatives = 2 }]);

        Assert.Equal((0.0, 0.0, 0.0), (stats.Precision, stats.Recall, stats.F1));
        Assert.Equal(0.4, stats.Accuracy);

        var job = QualityJob.Compute(ModelTaskType.Binary, [], stats);
        Assert.Equal((stats.Precision, stats.Recall, stats.F1, stats.Accuracy), (job.Precision, job.Recall, job.F1, job.Accuracy));
    }

    [Fact]
    public void Binary_metrics_are_missing_only_without_binary_counts()
    {
        var multiclass = QualityStats.Sum([new QualityRollup { Version = "", Labelled = 4, Correct = 3 }]);
        Assert.Null(multiclass.F1);
        Assert.Equal(0.75, multiclass.Accuracy);
        Assert.Null(new QualityStats().Accuracy);

        var onlyNegatives = QualityStats.Sum([new QualityRollup { Version = "", Labelled = 3, Correct = 3, TrueNegatives = 3 }]);
        Assert.Equal(0.0, onlyNegatives.F1);
    }

    [Fact]
    public void Metrics_follow_their_definitions()
    {
        var stats = QualityStats.Sum([
            new QualityRollup { Version = "", Labelled = 10, TruePositives = 4, FalsePositives = 2, FalseNegatives = 1, TrueNegatives = 3, Correct = 7 },
            new QualityRollup { Version = "", Labelled = 4, AbsErrorSum = 6, SqErrorSum = 16, LabelSum = 8, LabelSumSq = 24 },
        ]);

        Assert.Equal(4.0 / 6, stats.Precision!.Value, 12);
        Assert.Equal(0.8, stats.Recall!.Value, 12);
        Assert.Equal(8.0 / 11, stats.F1!.Value, 12);
        Assert.Equal(6.0 / 14, stats.Mae!.Value, 12);
        Assert.Equal(Math.Sqrt(16.0 / 14), stats.Rmse!.Value, 12);
    }
}
