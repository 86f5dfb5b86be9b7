using Portal.Analysis.Estimation;
using Xunit.Abstractions;

namespace Portal.Analysis.Tests.Estimation;

/// <summary>
/// How often CBPE's band flags a window when nothing shifted (<see cref="HealthyCbpe"/>, fixed seeds; the
/// <c>cbpe-false-alarms</c> benchmark runs it with more windows for docs/jobs.md). Issue #22: the old rule built the
/// band from two or three chunks of about the window's size and flagged about 30 % of healthy windows per metric.
/// </summary>
public sealed class CbpeFalseAlarmTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Sizes => new()
    {
        { 2000, 500 }, { 2000, 5000 }, { 5000, 500 }, { 5000, 5000 }, { 40000, 500 }, { 40000, 5000 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Band_flags_at_most_5_percent_of_healthy_windows_per_metric_and_10_percent_for_any(int referenceRows, int windowRows)
    {
        var row = HealthyCbpe.Measure(referenceRows, windowRows, references: 10, windowsPerReference: 30, HealthyCbpe.Seed);
        output.WriteLine(HealthyCbpe.Table([row]));

        Assert.True(row.WorstMetric <= 0.05, $"worst metric {row.WorstMetric:P1}");
        Assert.True(row.AnyMetric <= 0.10, $"any metric {row.AnyMetric:P1}");
        Assert.True(row.Chunks >= CbpeModel.MinBandChunks);
    }

    [Fact]
    public void Old_two_chunk_band_flags_far_more_than_5_percent()
    {
        // The rule before issue #22: chunks the largest power of two ≤ the window, at most half the reference, and
        // the band mean ± 3σ of those chunks: 5,000 and 5,000 rows give two chunks.
        var row = HealthyCbpe.Measure(5000, 5000, references: 10, windowsPerReference: 30, HealthyCbpe.Seed, OldChunkSize);
        output.WriteLine(HealthyCbpe.Table([row]));

        Assert.Equal(2, row.Chunks);
        Assert.True(row.AnyMetric > 0.3, $"any metric {row.AnyMetric:P1}");
    }

    [Fact]
    public void A_reference_with_fewer_than_6_chunks_gives_no_band()
    {
        var random = new Random(7);
        var (scores, labels, predictions) = HealthyCbpe.Draw(random, 250);
        var model = CbpeModel.Fit(scores, labels, CbpeModel.ReferenceChunkSize(250), referencePredictions: predictions);
        var window = HealthyCbpe.Draw(random, 400);

        Assert.False(model.HasBands);
        var evaluated = model.Evaluate(window.Scores, window.Predictions);
        Assert.Null(evaluated.Bands.Accuracy);
        Assert.Empty(evaluated.MetricsOutsideBand);
    }

    [Fact]
    public void Estimate_follows_the_posted_predictions_of_a_model_deployed_at_threshold_0_3()
    {
        var random = new Random(11);
        var reference = HealthyCbpe.Draw(random, 5000, threshold: 0.3);
        var model = CbpeModel.Fit(reference.Scores, reference.Labels, CbpeModel.ReferenceChunkSize(5000), referencePredictions: reference.Predictions);
        foreach (var shift in new[] { 0.0, 0.7, -0.7 })
        {
            var window = HealthyCbpe.Draw(random, 5000, threshold: 0.3, shift);
            var estimate = model.Estimate(window.Scores, window.Predictions);
            var atHalf = model.Estimate(window.Scores);
            var realised = Realised(window.Labels, window.Predictions);
            var band = model.RealisedBandsAround(estimate);
            output.WriteLine($"shift {shift}: accuracy realised {realised.Accuracy:F4} estimated {estimate.Accuracy:F4} (at 0.5: {atHalf.Accuracy:F4}); recall realised {realised.Recall:F4} estimated {estimate.Recall:F4} (at 0.5: {atHalf.Recall:F4})");

            Assert.True(band.Accuracy!.Contains(realised.Accuracy), $"accuracy {realised.Accuracy:F4} outside {band.Accuracy}");
            Assert.True(band.Recall!.Contains(realised.Recall), $"recall {realised.Recall:F4} outside {band.Recall}");
            Assert.False(band.Recall.Contains(atHalf.Recall), $"the 0.5 classifier's recall {atHalf.Recall:F4} is inside {band.Recall}");
        }
    }

    [Fact]
    public void A_reference_ranked_almost_perfectly_is_never_calibrated()
    {
        // Overconfident but perfectly ranked scores: isotonic regression would lower the calibration error by mapping
        // them to 0 and 1; NannyML's rule (AUROC > 0.999: no calibration) keeps the raw scores.
        var random = new Random(5);
        var labels = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() < 0.4 ? 1 : 0).ToArray();
        var scores = labels.Select(y => y == 1 ? 0.55 + (0.1 * random.NextDouble()) : 0.35 + (0.1 * random.NextDouble())).ToArray();

        var model = CbpeModel.Fit(scores, labels, CbpeModel.ReferenceChunkSize(2000));

        Assert.True(model.CalibrationErrorRaw > 0.3, $"raw ECE {model.CalibrationErrorRaw}");
        Assert.False(model.UsesCalibration);
    }

    private static (double Accuracy, double Recall) Realised(int[] labels, bool[] predictions)
    {
        double correct = 0, truePositives = 0, positives = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += (labels[i] == 1) == predictions[i] ? 1 : 0;
            truePositives += labels[i] == 1 && predictions[i] ? 1 : 0;
            positives += labels[i];
        }

        return (correct / labels.Length, truePositives / positives);
    }

    private static int OldChunkSize(int referenceRows, int windowRows)
    {
        var chunk = 16;
        while (chunk * 2 <= windowRows)
        {
            chunk *= 2;
        }

        return Math.Min(chunk, referenceRows / 2);
    }
}
