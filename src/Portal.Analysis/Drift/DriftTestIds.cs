namespace Portal.Analysis.Drift;

/// <summary>Test ids, as in Evidently.</summary>
public static class DriftTestIds
{
    public const string Ks = "ks";
    public const string ChiSquare = "chisquare";
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
        [Ks, ChiSquare, Z, Psi, KlDiv, JensenShannon, Wasserstein, Hellinger, TTest, MannWhitney, Energy, CramerVonMises, Tvd];

    public static bool IsKnown(string id) => All.Contains(id);

    /// <summary>Tests whose score is a p-value (drift when small); the others score a distance (drift when large).</summary>
    public static bool IsPValueTest(string id) => id is Ks or ChiSquare or Z or TTest or MannWhitney or CramerVonMises;

    /// <summary>Whether the test can run on a column of this type (e.g. ks needs numbers).</summary>
    public static bool Supports(string id, ColumnType type) => type switch
    {
        ColumnType.Numerical => IsKnown(id), // category tests treat each distinct number as a category
        _ => id is ChiSquare or Z or Psi or KlDiv or JensenShannon or Hellinger or Tvd,
    };
}
