using Portal.Analysis.Common;

namespace Portal.Analysis.Estimation;

/// <summary>Confusion-matrix cells expected from probabilities (sums of probabilities, not counts).</summary>
public sealed record ExpectedConfusion(double TruePositives, double FalsePositives, double FalseNegatives, double TrueNegatives);

/// <summary>Performance of a binary classifier expected from calibrated probabilities, without labels.</summary>
/// <param name="Count">Rows in the window.</param>
/// <param name="Confusion">Expected confusion matrix at the threshold.</param>
/// <param name="Accuracy">(TP + TN) / n.</param>
/// <param name="Precision">TP / (TP + FP); 0 when nothing is predicted positive (scikit-learn's zero_division).</param>
/// <param name="Recall">TP / (TP + FN); 0 when no positives are expected.</param>
/// <param name="F1">2TP / (2TP + FP + FN); 0 when that denominator is 0.</param>
/// <param name="RocAuc">Expected ROC AUC of the scores; NaN when every probability is 0 or every one is 1.</param>
public sealed record CbpeEstimate(int Count, ExpectedConfusion Confusion, double Accuracy, double Precision, double Recall, double F1, double RocAuc);

/// <summary>Bands of the estimated metrics over the reference chunks (null when a metric was undefined there).</summary>
public sealed record CbpeBands(ReferenceBand? Accuracy, ReferenceBand? Precision, ReferenceBand? Recall, ReferenceBand? F1, ReferenceBand? RocAuc);

/// <summary>An analysis window: the estimate, its bands, and the metrics whose estimate left its band.</summary>
public sealed record CbpeWindow(CbpeEstimate Estimate, CbpeBands Bands, IReadOnlyList<string> MetricsOutsideBand);

/// <summary>
/// Confidence-based performance estimation (CBPE, as NannyML) for a binary classifier whose labels arrive late
/// or never. Fitted on a labelled reference set: scores are calibrated with isotonic regression when that lowers
/// the cross-validated calibration error; in each later window the calibrated probability pᵢ of every row gives an
/// expected confusion matrix (a row predicted positive adds pᵢ to TP and 1 − pᵢ to FP; one predicted negative
/// adds pᵢ to FN and 1 − pᵢ to TN), from which accuracy, precision, recall and F1 follow, and the expected ROC AUC
/// is the area under the curve traced by cumulative pᵢ and 1 − pᵢ in decreasing score order (tied scores form one
/// step). This holds while the relationship between scores and outcomes stays as in the reference (covariate
/// shift), not under concept drift.
/// </summary>
/// <remarks>
/// Calibration choice: 5-fold cross-validation with interleaved folds (row i in fold i mod 5, so no random split
/// is needed and the result is deterministic); each fold's rows are calibrated by isotonic regression fitted on the
/// other four. The expected calibration error, ECE = Σ_bins (rows in bin / n)·|mean probability − mean label| over
/// 10 equal-width probability bins (as scikit-learn's <c>calibration_curve(strategy="uniform")</c>; tied
/// probabilities always share a bin), is computed for the raw scores and for these
/// out-of-fold calibrated probabilities over all reference rows; calibration is used (refitted on the whole
/// reference) only when its ECE is lower, and never when the reference ROC AUC is above 0.999. The predicted class ŷ is the model's own prediction when given (as NannyML
/// reads <c>y_pred</c>), else score ≥ the threshold.
///
/// Bands: the reference is cut into chunks of <c>m</c> rows; σ is the standard deviation of a metric over the chunks.
/// For a window of n rows the band is the whole-reference estimate ± 3σ·√(m/n + m/N) (N = rows in the chunks): the
/// window's own sampling error σ·√(m/n) plus that of the reference estimate σ·√(m/N), since a metric's spread shrinks
/// as 1/√rows. With fewer than <see cref="MinBandChunks"/> chunks σ is too uncertain and there is no band.
/// </remarks>
public sealed class CbpeModel
{
    private const int Folds = 5;
    private const int CalibrationBins = 10;
    private static readonly string[] MetricNames = ["accuracy", "precision", "recall", "f1", "rocAuc"];

    /// <summary>Reference chunks below which σ is too uncertain for a band (NannyML warns below 6 too).</summary>
    public const int MinBandChunks = 6;

    /// <summary>Reference ROC AUC above which scores are never calibrated (NannyML's rule).</summary>
    public const double MaxAurocForCalibration = 0.999;

    /// <summary>Chunks the portal aims for: σ over 20 chunks is within about ±16 % of the truth.</summary>
    public const int TargetChunks = 20;

    /// <summary>Smallest chunk: below about 50 rows precision and recall rest on a handful of positives.</summary>
    public const int MinChunkRows = 50;

    /// <summary>
    /// The chunk size for a reference of <paramref name="referenceRows"/> rows: rows / <see cref="TargetChunks"/>, at
    /// least <see cref="MinChunkRows"/> (so a reference below 300 rows has fewer than 6 chunks and no bands).
    /// </summary>
    public static int ReferenceChunkSize(int referenceRows) => Math.Max(MinChunkRows, referenceRows / TargetChunks);

    private CbpeModel(double threshold, IsotonicCalibrator? calibrator, double rawError, double calibratedError)
    {
        Threshold = threshold;
        Calibrator = calibrator;
        CalibrationErrorRaw = rawError;
        CalibrationErrorCalibrated = calibratedError;
    }

    /// <summary>Score at or above which the model predicts positive.</summary>
    public double Threshold { get; }

    /// <summary>The isotonic calibrator in use, or null when raw scores are used as probabilities.</summary>
    public IsotonicCalibrator? Calibrator { get; }

    /// <summary>True when scores are calibrated before estimation.</summary>
    public bool UsesCalibration => Calibrator is not null;

    /// <summary>Cross-validated ECE of the raw scores on the reference.</summary>
    public double CalibrationErrorRaw { get; }

    /// <summary>Cross-validated ECE of isotonic-calibrated scores on the reference (NaN when too few rows for CV).</summary>
    public double CalibrationErrorCalibrated { get; }

    /// <summary>
    /// Each estimated metric over the reference chunks (mean ± 3σ of chunk values): the band of a window of one chunk
    /// when there are many chunks; windows are judged by <see cref="BandsFor"/>.
    /// </summary>
    public CbpeBands Bands { get; private set; } = new(null, null, null, null, null);

    /// <summary>
    /// Bands of each realised metric (from the reference labels) over the same chunks. Their standard deviation is
    /// the sampling error of a realised metric for a window of the chunk size: the realised value of a window is
    /// expected within estimate ± 3σ of this band.
    /// </summary>
    public CbpeBands RealisedBands { get; private set; } = new(null, null, null, null, null);

    /// <summary>Rows per reference chunk.</summary>
    public int ChunkSize { get; private set; }

    /// <summary>Reference rows in whole chunks.</summary>
    public int ChunkedRows { get; private set; }

    /// <summary>The estimate on the whole reference (chunked rows): the centre of every band.</summary>
    public CbpeEstimate ReferenceEstimate { get; private set; } = null!;

    /// <summary>True when the reference holds at least <see cref="MinBandChunks"/> chunks, so windows get bands.</summary>
    public bool HasBands => ChunkedRows / ChunkSize >= MinBandChunks;

    /// <summary>
    /// Where the estimate of a window of <paramref name="windowRows"/> rows is expected without shift: the reference
    /// estimate ± 3σ·√(m/n + m/N); every band null when the reference has fewer than <see cref="MinBandChunks"/> chunks.
    /// </summary>
    public CbpeBands BandsFor(int windowRows)
    {
        Guard.Positive(windowRows, nameof(windowRows));
        var e = ReferenceEstimate;
        var scale = Math.Sqrt((double)ChunkSize / windowRows + (double)ChunkSize / ChunkedRows);
        return Scaled(Bands, [e.Accuracy, e.Precision, e.Recall, e.F1, e.RocAuc], scale);
    }

    /// <summary>
    /// Where the realised metrics of a window are expected given its estimate: estimate ± 3σ_realised·√(m/n + m/N),
    /// σ over the reference chunks' realised metrics (labels' and scores' chance together), the m/N term for the
    /// calibration learnt from N reference rows; null without bands.
    /// </summary>
    public CbpeBands RealisedBandsAround(CbpeEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var scale = Math.Sqrt((double)ChunkSize / estimate.Count + (double)ChunkSize / ChunkedRows);
        return Scaled(RealisedBands, [estimate.Accuracy, estimate.Precision, estimate.Recall, estimate.F1, estimate.RocAuc], scale);
    }

    private CbpeBands Scaled(CbpeBands chunkBands, double[] centres, double scale)
    {
        ReferenceBand?[] bands = [chunkBands.Accuracy, chunkBands.Precision, chunkBands.Recall, chunkBands.F1, chunkBands.RocAuc];
        var scaled = new ReferenceBand?[bands.Length];
        for (var m = 0; m < bands.Length; m++)
        {
            if (HasBands && bands[m] is { } band && double.IsFinite(centres[m]))
            {
                var sd = band.StandardDeviation * scale;
                scaled[m] = new ReferenceBand(centres[m], sd, centres[m] - ReferenceBand.Sigmas * sd, centres[m] + ReferenceBand.Sigmas * sd, band.Chunks);
            }
        }

        return new CbpeBands(scaled[0], scaled[1], scaled[2], scaled[3], scaled[4]);
    }

    /// <summary>
    /// Fits on reference scores (probabilities of class 1, in [0, 1]) and labels (0/1, both classes present);
    /// bands come from consecutive reference chunks of <paramref name="chunkSize"/> rows (at least two full chunks;
    /// a last partial chunk is dropped). <paramref name="referencePredictions"/> are the model's predicted classes
    /// (true = positive) when known; without them ŷ is score ≥ <paramref name="threshold"/>.
    /// </summary>
    public static CbpeModel Fit(IReadOnlyList<double> referenceScores, IReadOnlyList<int> referenceLabels, int chunkSize, double threshold = 0.5, IReadOnlyList<bool>? referencePredictions = null)
    {
        ValidateScores(referenceScores, nameof(referenceScores));
        Guard.Binary(referenceLabels, nameof(referenceLabels));
        Guard.SameLength(referenceScores.Count, referenceLabels.Count, nameof(referenceLabels));
        if (referencePredictions is not null)
        {
            Guard.SameLength(referenceScores.Count, referencePredictions.Count, nameof(referencePredictions));
        }

        Guard.Positive(chunkSize, nameof(chunkSize));
        Guard.Probability(threshold, nameof(threshold), allowZero: true, allowOne: true);
        if (referenceScores.Count / chunkSize < 2)
        {
            throw new AnalysisInputException(nameof(chunkSize), $"the reference ({referenceScores.Count} rows) must hold at least two chunks of {chunkSize}");
        }

        var positives = 0;
        for (var i = 0; i < referenceLabels.Count; i++)
        {
            positives += referenceLabels[i];
        }

        if (positives == 0 || positives == referenceLabels.Count)
        {
            throw new AnalysisInputException(nameof(referenceLabels), "needs both classes to check calibration and the estimate");
        }

        var rawError = CalibrationError(referenceScores, referenceLabels);
        var calibratedError = double.NaN;
        IsotonicCalibrator? calibrator = null;
        // As NannyML: a near-perfect ranking needs no calibration; isotonic would map its scores to about 0 and 1.
        var labelsAsProbabilities = new double[referenceLabels.Count];
        for (var i = 0; i < labelsAsProbabilities.Length; i++)
        {
            labelsAsProbabilities[i] = referenceLabels[i];
        }

        var nearPerfect = ExpectedRocAuc(referenceScores, labelsAsProbabilities) > MaxAurocForCalibration;
        if (referenceScores.Count >= Folds * 2 && !nearPerfect)
        {
            var outOfFold = new double[referenceScores.Count];
            for (var fold = 0; fold < Folds; fold++)
            {
                var f = fold;
                var model = IsotonicCalibrator.Fit(referenceScores, referenceLabels, i => i % Folds != f);
                for (var i = fold; i < outOfFold.Length; i += Folds)
                {
                    outOfFold[i] = model.Predict(referenceScores[i]);
                }
            }

            calibratedError = CalibrationError(outOfFold, referenceLabels);
            if (calibratedError < rawError)
            {
                calibrator = IsotonicCalibrator.Fit(referenceScores, referenceLabels, null);
            }
        }

        var result = new CbpeModel(threshold, calibrator, rawError, calibratedError);
        var chunks = referenceScores.Count / chunkSize;
        var values = new double[MetricNames.Length][];
        for (var m = 0; m < values.Length; m++)
        {
            values[m] = new double[chunks];
        }

        var realised = new double[MetricNames.Length][];
        for (var m = 0; m < values.Length; m++)
        {
            values[m] = new double[chunks];
            realised[m] = new double[chunks];
        }

        var chunk = new double[chunkSize];
        var chunkLabels = new int[chunkSize];
        var chunkPredictions = new bool[chunkSize];
        for (var c = 0; c < chunks; c++)
        {
            for (var i = 0; i < chunkSize; i++)
            {
                chunk[i] = referenceScores[c * chunkSize + i];
                chunkLabels[i] = referenceLabels[c * chunkSize + i];
                chunkPredictions[i] = referencePredictions?[c * chunkSize + i] ?? chunk[i] >= threshold;
            }

            var e = result.Estimate(chunk, chunkPredictions);
            var r = Realised(chunk, chunkLabels, chunkPredictions);
            double[] metrics = [e.Accuracy, e.Precision, e.Recall, e.F1, e.RocAuc];
            for (var m = 0; m < metrics.Length; m++)
            {
                values[m][c] = metrics[m];
                realised[m][c] = r[m];
            }
        }

        result.Bands = BandsOf(values);
        result.RealisedBands = BandsOf(realised);
        result.ChunkSize = chunkSize;
        result.ChunkedRows = chunks * chunkSize;
        var chunked = new double[result.ChunkedRows];
        var chunkedPredictions = new bool[result.ChunkedRows];
        for (var i = 0; i < chunked.Length; i++)
        {
            chunked[i] = referenceScores[i];
            chunkedPredictions[i] = referencePredictions?[i] ?? chunked[i] >= threshold;
        }

        result.ReferenceEstimate = result.Estimate(chunked, chunkedPredictions);
        return result;
    }

    private static CbpeBands BandsOf(double[][] values) => new(
        ReferenceBand.From(values[0]),
        ReferenceBand.From(values[1]),
        ReferenceBand.From(values[2]),
        ReferenceBand.From(values[3]),
        ReferenceBand.From(values[4]));

    /// <summary>Realised accuracy, precision, recall, F1 and ROC AUC (labels as 0/1 probabilities).</summary>
    private static double[] Realised(double[] scores, int[] labels, bool[] predictions)
    {
        double tp = 0, fp = 0, fn = 0, tn = 0;
        var asProbabilities = new double[labels.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            asProbabilities[i] = labels[i];
            if (predictions[i])
            {
                if (labels[i] == 1) { tp++; } else { fp++; }
            }
            else
            {
                if (labels[i] == 1) { fn++; } else { tn++; }
            }
        }

        return
        [
            (tp + tn) / scores.Length,
            tp + fp > 0 ? tp / (tp + fp) : 0.0,
            tp + fn > 0 ? tp / (tp + fn) : 0.0,
            2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0.0,
            ExpectedRocAuc(scores, asProbabilities),
        ];
    }

    /// <summary>
    /// Expected performance of a window of scores (at least one, each in [0, 1]) and, when known, the model's
    /// predicted classes (true = positive; else score ≥ <see cref="Threshold"/>).
    /// </summary>
    public CbpeEstimate Estimate(IReadOnlyList<double> scores, IReadOnlyList<bool>? predictions = null)
    {
        ValidateScores(scores, nameof(scores));
        if (predictions is not null)
        {
            Guard.SameLength(scores.Count, predictions.Count, nameof(predictions));
        }

        var n = scores.Count;
        var probabilities = new double[n];
        for (var i = 0; i < n; i++)
        {
            probabilities[i] = Calibrator?.Predict(scores[i]) ?? scores[i];
        }

        double tp = 0, fp = 0, fn = 0, tn = 0;
        for (var i = 0; i < n; i++)
        {
            var p = probabilities[i];
            if (predictions?[i] ?? scores[i] >= Threshold)
            {
                tp += p;
                fp += 1 - p;
            }
            else
            {
                fn += p;
                tn += 1 - p;
            }
        }

        var precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
        var recall = tp + fn > 0 ? tp / (tp + fn) : 0.0;
        var f1Denominator = 2 * tp + fp + fn;
        return new CbpeEstimate(
            n,
            new ExpectedConfusion(tp, fp, fn, tn),
            (tp + tn) / n,
            precision,
            recall,
            f1Denominator > 0 ? 2 * tp / f1Denominator : 0.0,
            ExpectedRocAuc(scores, probabilities));
    }

    /// <summary>Estimate of a window, its bands (<see cref="BandsFor"/>) and the metrics outside them.</summary>
    public CbpeWindow Evaluate(IReadOnlyList<double> scores, IReadOnlyList<bool>? predictions = null)
    {
        var e = Estimate(scores, predictions);
        var windowBands = BandsFor(e.Count);
        double[] metrics = [e.Accuracy, e.Precision, e.Recall, e.F1, e.RocAuc];
        ReferenceBand?[] bands = [windowBands.Accuracy, windowBands.Precision, windowBands.Recall, windowBands.F1, windowBands.RocAuc];
        var outside = new List<string>();
        for (var m = 0; m < metrics.Length; m++)
        {
            if (bands[m] is { } band && double.IsFinite(metrics[m]) && !band.Contains(metrics[m]))
            {
                outside.Add(MetricNames[m]);
            }
        }

        return new CbpeWindow(e, windowBands, outside);
    }

    /// <summary>ECE over 10 equal-width probability bins [0, 0.1), …, [0.9, 1] (tied values share a bin).</summary>
    internal static double CalibrationError(IReadOnlyList<double> probabilities, IReadOnlyList<int> labels)
    {
        var sumP = new double[CalibrationBins];
        var sumY = new double[CalibrationBins];
        var count = new int[CalibrationBins];
        for (var i = 0; i < probabilities.Count; i++)
        {
            var bin = Math.Min(CalibrationBins - 1, (int)(probabilities[i] * CalibrationBins));
            sumP[bin] += probabilities[i];
            sumY[bin] += labels[i];
            count[bin]++;
        }

        var error = 0.0;
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (count[b] > 0)
            {
                error += Math.Abs(sumP[b] - sumY[b]) / probabilities.Count;
            }
        }

        return error;
    }

    private static double ExpectedRocAuc(IReadOnlyList<double> scores, double[] probabilities)
    {
        var n = scores.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        double tp = 0, fp = 0, area = 0;
        var k = 0;
        while (k < n)
        {
            var score = scores[order[k]];
            double groupTp = 0, groupFp = 0;
            while (k < n && scores[order[k]] == score)
            {
                groupTp += probabilities[order[k]];
                groupFp += 1 - probabilities[order[k]];
                k++;
            }

            area += groupFp * (tp + groupTp / 2);
            tp += groupTp;
            fp += groupFp;
        }

        return tp > 0 && fp > 0 ? area / (tp * fp) : double.NaN;
    }

    private static void ValidateScores(IReadOnlyList<double> scores, string field)
    {
        Guard.Finite(scores, field);
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i] < 0 || scores[i] > 1)
            {
                throw new AnalysisInputException(field, $"value at index {i} is {scores[i]}; scores must be probabilities in [0, 1]");
            }
        }
    }
}
