namespace Portal.Analysis.Drift;

/// <summary>
/// Runs one drift test on a column with non-empty reference and current and returns its result fields.
/// Fields that are undefined for the data are left out, with a note saying why; nothing non-finite is returned.
/// </summary>
internal static class DriftTestRunner
{
    public sealed record Outcome(IReadOnlyDictionary<string, double> Fields, double? Score, string? Note);

    public static Outcome Run(string id, ColumnPair pair)
    {
        var fields = new Dictionary<string, double>();
        var note = Compute(id, pair, fields);

        foreach (var (name, value) in fields.ToArray())
        {
            if (!double.IsFinite(value))
            {
                fields.Remove(name);
                note ??= $"{id}: {name} is not finite and left out";
            }
        }

        double? score = fields.TryGetValue(DriftTestIds.ScoreField(id), out var s) ? s : null;
        if (score is null)
        {
            note ??= $"{id}: undefined for these values";
        }

        return new Outcome(fields, score, note);
    }

    /// <summary>Fills <paramref name="fields"/>; returns a note when part of the result is undefined.</summary>
    private static string? Compute(string id, ColumnPair pair, Dictionary<string, double> fields)
    {
        var reference = pair.Reference.SortedNumbers;
        var current = pair.Current.SortedNumbers;
        switch (id)
        {
            case DriftTestIds.Ks:
                var ks = KolmogorovSmirnov.Test(reference, current);
                fields["statistic"] = ks.Statistic;
                fields["pValue"] = ks.PValue;
                if (ks.PValueAsymptotic is { } asymptotic)
                {
                    fields["pValueAsymptotic"] = asymptotic;
                    return null;
                }

                return "ks: pValueAsymptotic is undefined for one value in each sample (SciPy: kstwo with n = 0)";

            case DriftTestIds.ChiSquare:
                var chi = CategoryTests.ChiSquare(pair.Counts);
                fields["pValue"] = chi.PValue;
                if (chi.Statistic is { } statistic)
                {
                    fields["statistic"] = statistic;
                    return null;
                }

                return "chisquare: a value is absent from the reference, so the statistic is infinite (left out) and p = 0";

            case DriftTestIds.Chi2Contingency:
                var contingency = CategoryTests.Contingency(pair.Counts);
                fields["statistic"] = contingency.Statistic;
                fields["pValue"] = contingency.PValue;
                return null;

            case DriftTestIds.Z:
                var z = CategoryTests.ZTest(pair.Counts);
                fields["statistic"] = z.Statistic;
                fields["pValue"] = z.PValue;
                return null;

            case DriftTestIds.Psi:
            case DriftTestIds.KlDiv:
            case DriftTestIds.JensenShannon:
            case DriftTestIds.Tvd:
                if (pair.Shares is not { } shares)
                {
                    return $"{id}: the range of values is not finite, so there are no bins";
                }

                fields["value"] = id switch
                {
                    DriftTestIds.Psi => Divergences.Psi(shares.Reference, shares.Current),
                    DriftTestIds.KlDiv => Divergences.KlDivergence(shares.Reference, shares.Current),
                    DriftTestIds.JensenShannon => Divergences.JensenShannon(shares.Reference, shares.Current),
                    _ => Divergences.TotalVariation(shares.Reference, shares.Current),
                };
                return null;

            case DriftTestIds.Hellinger:
                var hellinger = pair.IsNumerical ? Divergences.HellingerOfNumbers(reference, current) : Divergences.HellingerOfCounts(pair.Counts);
                if (hellinger is null)
                {
                    return "hellinger: the range of values is not finite, so there are no bins";
                }

                fields["value"] = hellinger.Value;
                return null;

            case DriftTestIds.Wasserstein:
                var distance = pair.Distances.Wasserstein;
                fields["distance"] = distance;
                fields["normed"] = distance / Math.Max(CdfDistances.StandardDeviation(reference), 0.001);
                return null;

            case DriftTestIds.Energy:
                fields["value"] = pair.Distances.Energy;
                return null;

            case DriftTestIds.MannWhitney:
                fields["pValue"] = MannWhitney.PValue(reference, current);
                return null;

            case DriftTestIds.TTest:
                if (reference.Length < 2 || current.Length < 2)
                {
                    return "t_test: not enough data: needs at least 2 values in reference and current";
                }

                fields["pValue"] = TTest.PValue(reference, current);
                return null;

            case DriftTestIds.CramerVonMises:
                if (reference.Length < 2 || current.Length < 2)
                {
                    return "cramer_von_mises: not enough data: needs at least 2 values in reference and current";
                }

                var cvm = CramerVonMises.Test(reference, current);
                fields["statistic"] = cvm.Statistic;
                fields["pValue"] = cvm.PValue;
                return null;

            default:
                throw new InvalidOperationException($"No implementation for drift test '{id}'.");
        }
    }
}
