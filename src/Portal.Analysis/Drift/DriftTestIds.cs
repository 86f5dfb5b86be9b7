namespace Portal.Analysis.Drift;

/// <summary>Test ids, as in Evidently, and what each test's score and threshold mean.</summary>
public static class DriftTestIds
{
    public const string Ks = "ks";
    /// <summary>Evidently's goodness of fit against the reference shares; over-alarms (STATISTICS.md), never chosen automatically.</summary>
    public const string ChiSquare = "chisquare";

    /// <summary>Two-sample χ² test of homogeneity on the 2×k table; the automatic choice for few categories.</summary>
    public const string Chi2Contingency = "chi2_contingency";
    public const string Z = "z";
    public const string Psi = "psi";
    public const string KlDiv = "kl_div";
    public const string JensenShannon = "jensenshannon";
    public const string Wasserstein = "wasserstein";
    public const string Hellinger = "hellinger";
    public const string TTest = "t_test";
    public const string MannWhitney = "mannw";
    public const string Energy = "ed";
    public const string CramerVonMises = "cramer_von_mises";
    public const string Tvd = "tvd";

    public static readonly IReadOnlyList<string> All =
        [Ks, ChiSquare, Chi2Contingency, Z, Psi, KlDiv, JensenShannon, Wasserstein, Hellinger, TTest, MannWhitney, Energy, CramerVonMises, Tvd];

    /// <summary>Whether <paramref name="id"/> is one of <see cref="All"/> (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string id) => All.Contains(id);

    /// <summary>Whether the test can run on a column of this type (e.g. ks needs numbers).</summary>
    public static bool Supports(string id, ColumnType type) => type switch
    {
        // Every test runs on numbers; chisquare, chi2_contingency and z treat each distinct number as a category.
        ColumnType.Numerical => IsKnown(id),
        _ => id is ChiSquare or Chi2Contingency or Z or Psi or KlDiv or JensenShannon or Hellinger or Tvd,
    };

    /// <summary>Whether the test's score is a p-value (drift when small) rather than a distance (drift when large).</summary>
    public static bool IsPValueTest(string id) => id is Ks or ChiSquare or Chi2Contingency or Z or TTest or MannWhitney or CramerVonMises;

    /// <summary>0.05 for p-value tests, 0.1 for distances (STATISTICS.md).</summary>
    public static double DefaultThreshold(string id) => IsPValueTest(id) ? 0.05 : 0.1;

    /// <summary>The result field that is the test's score: pValue, normed for wasserstein, value otherwise.</summary>
    public static string ScoreField(string id) => id switch
    {
        Wasserstein => "normed",
        _ when IsPValueTest(id) => "pValue",
        _ => "value",
    };

    /// <summary>Drift when ks p ≤ threshold, another p-value &lt; threshold, or a distance ≥ threshold.</summary>
    public static bool IsDrift(string id, double score, double threshold) => id switch
    {
        Ks => score <= threshold,
        _ when IsPValueTest(id) => score < threshold,
        _ => score >= threshold,
    };
}
