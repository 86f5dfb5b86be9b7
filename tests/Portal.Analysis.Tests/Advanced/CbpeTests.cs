using Portal.Analysis.Common;
using Portal.Analysis.Estimation;

namespace Portal.Analysis.Tests.Advanced;

public class IsotonicCalibratorTests
{
    [Fact]
    public void Isotonic_fit_equals_scikit_learn_with_ties_interpolation_and_clipping()
    {
        // scikit-learn 1.2.1: IsotonicRegression(out_of_bounds='clip').fit(X, y).predict(T)
        double[] x = [0.1, 0.2, 0.2, 0.3, 0.35, 0.5, 0.5, 0.6, 0.7, 0.9];
        int[] y = [0, 1, 0, 0, 1, 0, 1, 1, 0, 1];
        var c = IsotonicCalibrator.Fit(x, y);
        Close.All(
            [0.0, 0.1666666666666666, 0.3333333333333333, 0.4933333333333335, 0.6, 0.8, 1.0],
            c.Predict([0.0, 0.15, 0.2, 0.33, 0.55, 0.8, 1.0]));

        double[] x2 = [0.9, 0.1, 0.4, 0.4, 0.8, 0.3, 0.2, 0.6];
        int[] y2 = [1, 1, 0, 1, 0, 0, 1, 1];
        Close.All(
            [0.5714285714285714, 0.5714285714285714, 0.5714285714285714, 0.5714285714285714, 0.5714285714285714, 0.5714285714285714, 0.7857142857142855, 1.0],
            IsotonicCalibrator.Fit(x2, y2).Predict([0.05, 0.1, 0.25, 0.4, 0.5, 0.7, 0.85, 0.95]));
    }

    [Fact]
    public void Isotonic_fit_of_one_value_or_one_class_is_constant()
    {
        Assert.Equal(1.0, IsotonicCalibrator.Fit([0.3], [1]).Predict(0.9));
        Assert.All(IsotonicCalibrator.Fit([0.1, 0.5, 0.9], [0, 0, 0]).Predict([0.0, 0.5, 1.0]), p => Assert.Equal(0.0, p));
        Assert.Equal("scores", Assert.Throws<AnalysisInputException>(() => IsotonicCalibrator.Fit([0.1, double.NaN], [0, 1])).Field);
        Assert.Equal("labels", Assert.Throws<AnalysisInputException>(() => IsotonicCalibrator.Fit([0.1, 0.2], [0, 3])).Field);
        Assert.Equal("scores", Assert.Throws<AnalysisInputException>(() => IsotonicCalibrator.Fit([], [])).Field);
    }
}

public class CbpeTests
{
    private static double Sigmoid(double t) => 1 / (1 + Math.Exp(-t));

    /// <summary>Covariate x ~ N(mu, 1); outcome P(y = 1 | x) = σ(1.5x) fixed; the model scores σ(2.5x + 0.3) (overconfident).</summary>
    private static (double[] Scores, int[] Labels) Window(Seeded random, int n, double mu)
    {
        var scores = new double[n];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            var x = random.Normal(mu, 1);
            labels[i] = random.Bernoulli(Sigmoid(1.5 * x));
            scores[i] = Sigmoid(2.5 * x + 0.3);
        }

        return (scores, labels);
    }

    private static double RealisedAccuracy(double[] scores, int[] labels, double threshold = 0.5)
    {
        var correct = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            correct += (scores[i] >= threshold ? 1 : 0) == labels[i] ? 1 : 0;
        }

        return (double)correct / scores.Length;
    }

    [Fact]
    public void Under_covariate_shift_estimated_accuracy_tracks_realised_accuracy_within_the_band()
    {
        var random = new Seeded(31);
        var (refScores, refLabels) = Window(random, 5000, 0);
        var model = CbpeModel.Fit(refScores, refLabels, chunkSize: 500);
        Assert.True(model.UsesCalibration, $"ECE raw {model.CalibrationErrorRaw}, calibrated {model.CalibrationErrorCalibrated}");
        var estimateBand = model.Bands.Accuracy!;
        var samplingError = model.RealisedBands.Accuracy!.StandardDeviation;

        var totalError = 0.0;
        double[] shifts = [0.0, 0.5, 1.0, -0.8, 2.0, -1.5];
        var alerts = new List<bool>();
        foreach (var mu in shifts)
        {
            var (scores, labels) = Window(random, 500, mu);
            var estimated = model.Estimate(scores).Accuracy;
            var realised = RealisedAccuracy(scores, labels);
            Assert.True(Math.Abs(estimated - realised) <= 3 * samplingError, $"mu {mu}: estimated {estimated:F4}, realised {realised:F4}, band ±{3 * samplingError:F4}");
            totalError += Math.Abs(estimated - realised);
            alerts.Add(model.Evaluate(scores).MetricsOutsideBand.Contains("accuracy"));
        }

        // On average well inside one sampling error; the uncalibrated (overconfident) scores would be off by ~0.07.
        Assert.True(totalError / shifts.Length < samplingError, $"mean |error| {totalError / shifts.Length:F4}, sampling error {samplingError:F4}");
        // No alert without shift; the strong shifts that change accuracy are flagged without labels.
        Assert.Equal([false, false, true, true, true, true], alerts);
        Assert.True(estimateBand.Upper - estimateBand.Mean < 3 * samplingError);
    }

    [Fact]
    public void Calibration_is_used_only_when_it_lowers_the_cross_validated_error()
    {
        // Calibrated scores 0.2 / 0.5 / 0.8 with exactly those positive rates, in blocks of 5 equal rows so every
        // interleaved fold sees the same rates: out-of-fold isotonic equals the raw scores, so the error is not lower.
        var scores = new List<double>();
        var labels = new List<int>();
        foreach (var (score, positiveBlocks) in new[] { (0.2, 2), (0.5, 5), (0.8, 8) })
        {
            for (var block = 0; block < 10; block++)
            {
                for (var row = 0; row < 5; row++)
                {
                    scores.Add(score);
                    labels.Add(block < positiveBlocks ? 1 : 0);
                }
            }
        }

        var model = CbpeModel.Fit(scores, labels, 50);
        Assert.Equal(model.CalibrationErrorRaw, model.CalibrationErrorCalibrated);
        Assert.False(model.UsesCalibration);

        // The same rows with the scores pushed towards the extremes are miscalibrated: calibration is used.
        var pushed = scores.Select(x => x < 0.5 ? x / 4 : x == 0.5 ? 0.5 : 1 - (1 - x) / 4).ToArray();
        var recalibrated = CbpeModel.Fit(pushed, labels, 50);
        Assert.True(recalibrated.UsesCalibration);
        Assert.True(recalibrated.CalibrationErrorCalibrated < recalibrated.CalibrationErrorRaw);
        Close.Equal(0.2, recalibrated.Calibrator!.Predict(0.05));
    }

    [Fact]
    public void Expected_confusion_and_metrics_follow_from_the_probabilities()
    {
        var model = CalibratedlessModel();
        var e = model.Estimate([0.9, 0.6, 0.4, 0.2]);
        Assert.Equal(new ExpectedConfusion(0.9 + 0.6, 0.1 + 0.4, 0.4 + 0.2, 0.6 + 0.8), e.Confusion with { }, new ConfusionComparer());
        Close.Equal((1.5 + 1.4) / 4, e.Accuracy);
        Close.Equal(1.5 / 2.0, e.Precision);
        Close.Equal(1.5 / 2.1, e.Recall);
        Close.Equal(3.0 / (3.0 + 0.5 + 0.6), e.F1);
    }

    [Fact]
    public void Expected_roc_auc_equals_the_pairwise_expectation_with_ties_counting_half()
    {
        var model = CalibratedlessModel();
        double[] s = [0.9, 0.7, 0.7, 0.4, 0.2, 0.2, 0.1];
        // Σ_{i,j} pᵢ(1 − pⱼ)([sᵢ > sⱼ] + ½[sᵢ = sⱼ]) / (Σp · Σ(1 − p)), brute force
        double num = 0, sumP = 0, sumQ = 0;
        for (var i = 0; i < s.Length; i++)
        {
            sumP += s[i];
            sumQ += 1 - s[i];
            for (var j = 0; j < s.Length; j++)
            {
                num += s[i] * (1 - s[j]) * (s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0);
            }
        }

        Close.Equal(num / (sumP * sumQ), model.Estimate(s).RocAuc, 1e-12);
        Close.Equal(0.5, model.Estimate([0.3, 0.3, 0.3]).RocAuc, 1e-12);
        Assert.True(double.IsNaN(model.Estimate([0.0, 0.0]).RocAuc));
        var none = model.Estimate([0.1, 0.2]);
        Assert.Equal(0.0, none.Precision);
    }

    [Fact]
    public void Bad_reference_and_window_inputs_are_rejected_naming_the_field()
    {
        double[] s = [0.1, 0.9, 0.2, 0.8];
        Assert.Equal("referenceLabels", Assert.Throws<AnalysisInputException>(() => CbpeModel.Fit(s, [0, 0, 0, 0], 2)).Field);
        Assert.Equal("referenceScores", Assert.Throws<AnalysisInputException>(() => CbpeModel.Fit([0.1, double.NaN, 0.2, 0.8], [0, 1, 0, 1], 2)).Field);
        Assert.Equal("referenceScores", Assert.Throws<AnalysisInputException>(() => CbpeModel.Fit([0.1, 1.2, 0.2, 0.8], [0, 1, 0, 1], 2)).Field);
        Assert.Equal("chunkSize", Assert.Throws<AnalysisInputException>(() => CbpeModel.Fit(s, [0, 1, 0, 1], 3)).Field);
        Assert.Equal("referenceLabels", Assert.Throws<AnalysisInputException>(() => CbpeModel.Fit(s, [0, 1, 0], 2)).Field);
        Assert.Equal("scores", Assert.Throws<AnalysisInputException>(() => CalibratedlessModel().Estimate([])).Field);
    }

    /// <summary>Four rows are too few for cross-validation, so raw scores are used as probabilities.</summary>
    private static CbpeModel CalibratedlessModel()
    {
        var model = CbpeModel.Fit([0.1, 0.9, 0.2, 0.8], [0, 1, 0, 1], 2);
        Assert.False(model.UsesCalibration);
        return model;
    }

    private sealed class ConfusionComparer : IEqualityComparer<ExpectedConfusion>
    {
        public bool Equals(ExpectedConfusion? a, ExpectedConfusion? b) =>
            Math.Abs(a!.TruePositives - b!.TruePositives) < 1e-12 && Math.Abs(a.FalsePositives - b.FalsePositives) < 1e-12
            && Math.Abs(a.FalseNegatives - b.FalseNegatives) < 1e-12 && Math.Abs(a.TrueNegatives - b.TrueNegatives) < 1e-12;

        public int GetHashCode(ExpectedConfusion obj) => 0;
    }
}
