namespace Portal.Analysis.Performance;

/// <summary>Binary metrics of positive-class scores (inputs already validated: both classes present, scores in [0, 1]).</summary>
internal static class ScoreMetrics
{
    /// <summary>np.finfo(np.float64).eps: scikit-learn 1.2's log_loss default eps="auto" for float64 scores.</summary>
    private const double LogLossEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Area under the ROC curve. Sweeping the scores from high to low with tied scores as one step gives
    /// the same trapezoids as roc_curve + auc: a negative tied with positives counts half of each.
    /// </summary>
    public static double RocAuc(bool[] isPositive, IReadOnlyList<double> scores)
    {
        var order = new int[isPositive.Length];
        var keys = new double[isPositive.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -scores[i];
        }

        Array.Sort(keys, order);

        double area = 0, positivesAbove = 0, positives = 0, negatives = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            double positivesHere = 0, negativesHere = 0;
            while (end < order.Length && keys[end] == keys[start])
            {
                if (isPositive[order[end]]) { positivesHere++; } else { negativesHere++; }
                end++;
            }

            area += negativesHere * (positivesAbove + (positivesHere / 2));
            positivesAbove += positivesHere;
            positives += positivesHere;
            negatives += negativesHere;
            start = end;
        }

        return area / (positives * negatives);
    }

    /// <summary>log_loss: scores clipped to [eps, 1 − eps], both columns renormalised as scikit-learn does.</summary>
    public static double LogLoss(bool[] isPositive, IReadOnlyList<double> scores)
    {
        var sum = 0.0;
        for (var i = 0; i < isPositive.Length; i++)
        {
            var positive = Math.Clamp(scores[i], LogLossEpsilon, 1 - LogLossEpsilon);
            var negative = 1 - positive;
            var total = negative + positive;
            sum -= Math.Log((isPositive[i] ? positive : negative) / total);
        }

        return sum / isPositive.Length;
    }

    /// <summary>brier_score_loss: mean squared difference between the 0/1 outcome and the score.</summary>
    public static double Brier(bool[] isPositive, IReadOnlyList<double> scores)
    {
        var sum = 0.0;
        for (var i = 0; i < isPositive.Length; i++)
        {
            var error = (isPositive[i] ? 1.0 : 0.0) - scores[i];
            sum += error * error;
        }

        return sum / isPositive.Length;
    }
}
