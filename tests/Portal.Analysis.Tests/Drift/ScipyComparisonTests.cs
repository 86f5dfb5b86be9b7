using Portal.Analysis.Drift;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Drift;

/// <summary>
/// The hard paths against SciPy 1.10.1: ks exact vs asymptotic around max(n1, n2) = 10000, n1 = n2, heavy ties,
/// tiny samples, very small p-values. Inputs are formulas that C# and Python evaluate to the same doubles;
/// expected numbers come from generate_scipy_cases.py (ks_2samp, ks_2samp(method="asymp"),
/// cramervonmises_2samp(method="asymptotic"), ttest_ind, mannwhitneyu (method auto),
/// wasserstein_distance, np.std, energy_distance, kstwo.sf).
/// </summary>
public class ScipyComparisonTests
{
    /// <summary>SciPy's results; null where SciPy has no value (too few observations).</summary>
    public sealed record Expected(
        double KsStatistic,
        double KsPValue,
        double? KsPValueAsymptotic,
        double? CvmStatistic,
        double? CvmPValue,
        double? TTestPValue,
        double MannwPValue,
        double Wasserstein,
        double ReferenceStd,
        double Energy);

    public static TheoryData<string> CaseNames =>
    [
        "exact_at_10000", "asymptotic_at_10001", "square_exact_10000", "square_asymptotic_10001", "heavy_ties",
        "ties_small_shift", "tiny_1_1", "tiny_1_3", "tiny_3_2", "strong_shift_200_300", "unequal_40_25",
    ];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Every_numerical_test_matches_scipy(string name)
    {
        var (reference, current, expected) = Case(name);

        var result = Analyze(reference, current, DriftTestIds.Ks, DriftTestIds.CramerVonMises, DriftTestIds.TTest, DriftTestIds.MannWhitney, DriftTestIds.Wasserstein, DriftTestIds.Energy);

        AssertClose(expected.KsStatistic, result.Results["ks"]["statistic"], $"{name} ks.statistic");
        AssertClose(expected.KsPValue, result.Results["ks"]["pValue"], $"{name} ks.pValue");
        AssertOptional(expected.KsPValueAsymptotic, result.Results["ks"], "pValueAsymptotic", $"{name} ks");
        AssertOptional(expected.CvmStatistic, result.Results.GetValueOrDefault("cramer_von_mises"), "statistic", $"{name} cramer_von_mises");
        AssertOptional(expected.CvmPValue, result.Results.GetValueOrDefault("cramer_von_mises"), "pValue", $"{name} cramer_von_mises");
        AssertOptional(expected.TTestPValue, result.Results.GetValueOrDefault("t_test"), "pValue", $"{name} t_test");
        AssertClose(expected.MannwPValue, result.Results["mannw"]["pValue"], $"{name} mannw.pValue");
        AssertClose(expected.Wasserstein, result.Results["wasserstein"]["distance"], $"{name} wasserstein.distance");
        AssertClose(expected.Wasserstein / Math.Max(expected.ReferenceStd, 0.001), result.Results["wasserstein"]["normed"], $"{name} wasserstein.normed");
        AssertClose(expected.Energy, result.Results["ed"]["value"], $"{name} ed.value");
    }

    [Theory]
    [InlineData("exact_at_10000")]
    [InlineData("square_exact_10000")]
    public void Ks_is_exact_up_to_10000_values(string name)
    {
        var (reference, current, expected) = Case(name);

        var ks = Analyze(reference, current, DriftTestIds.Ks).Results["ks"];

        // SciPy's exact and asymptotic answers differ in the third digit here; pValue must be the exact one.
        Assert.NotEqual(ks["pValue"], ks["pValueAsymptotic"]);
        AssertRelative(expected.KsPValue, ks["pValue"], $"{name} exact p");
        AssertRelative(expected.KsPValueAsymptotic!.Value, ks["pValueAsymptotic"], $"{name} asymptotic p");
    }

    [Theory]
    [InlineData("asymptotic_at_10001")]
    [InlineData("square_asymptotic_10001")]
    public void Ks_switches_to_asymptotic_above_10000_values(string name)
    {
        var (reference, current, expected) = Case(name);

        var ks = Analyze(reference, current, DriftTestIds.Ks).Results["ks"];

        Assert.Equal(ks["pValueAsymptotic"], ks["pValue"]);
        AssertRelative(expected.KsPValue, ks["pValue"], $"{name} p");
    }

    [Theory]
    [InlineData("heavy_ties")]
    [InlineData("ties_small_shift")]
    public void Ks_matches_scipy_on_ties(string name)
    {
        var (reference, current, expected) = Case(name);

        var ks = Analyze(reference, current, DriftTestIds.Ks).Results["ks"];

        AssertRelative(expected.KsStatistic, ks["statistic"], $"{name} statistic");
        AssertRelative(expected.KsPValue, ks["pValue"], $"{name} p");
        AssertRelative(expected.KsPValueAsymptotic!.Value, ks["pValueAsymptotic"], $"{name} asymptotic p");
    }

    [Theory]
    [InlineData("heavy_ties")]
    [InlineData("ties_small_shift")]
    public void Cramer_von_mises_and_mann_whitney_use_mid_ranks_on_ties(string name)
    {
        var (reference, current, expected) = Case(name);

        var result = Analyze(reference, current, DriftTestIds.CramerVonMises, DriftTestIds.MannWhitney);

        AssertRelative(expected.CvmStatistic!.Value, result.Results["cramer_von_mises"]["statistic"], $"{name} cvm statistic");
        AssertRelative(expected.CvmPValue!.Value, result.Results["cramer_von_mises"]["pValue"], $"{name} cvm p");
        AssertRelative(expected.MannwPValue, result.Results["mannw"]["pValue"], $"{name} mannw p");
    }

    [Fact]
    public void Small_p_values_match_scipy_to_six_digits()
    {
        var (reference, current, expected) = Case("strong_shift_200_300");

        var result = Analyze(reference, current, DriftTestIds.Ks, DriftTestIds.CramerVonMises, DriftTestIds.TTest, DriftTestIds.MannWhitney);

        // The absolute tolerance of 1e-9 would accept any of these; the relative one is what can fail.
        AssertRelative(expected.KsPValue, result.Results["ks"]["pValue"], "ks exact p");
        AssertRelative(expected.KsPValueAsymptotic!.Value, result.Results["ks"]["pValueAsymptotic"], "ks asymptotic p");
        AssertRelative(expected.TTestPValue!.Value, result.Results["t_test"]["pValue"], "t_test p");
        AssertRelative(expected.MannwPValue, result.Results["mannw"]["pValue"], "mannw p");
    }

    [Fact]
    public void One_value_per_sample_has_no_asymptotic_ks_p_value()
    {
        var result = Analyze([0.5], [0.7], DriftTestIds.Ks);

        // SciPy: kstwo.sf(d, round(0.5) = 0) is NaN, so the field is left out; the exact p-value is 1.
        Assert.Equal(1.0, result.Results["ks"]["pValue"]);
        Assert.False(result.Results["ks"].ContainsKey("pValueAsymptotic"));
        Assert.Contains("pValueAsymptotic", result.Message);
        Assert.False(result.Drifted);
    }

    [Theory]
    [InlineData(5, 0.15, 0.9988)] // Ruben–Gambino, d ≤ 1/n
    [InlineData(5, 0.35, 0.46975)] // Durbin matrix, n ≤ 140
    [InlineData(10, 0.5, 0.00777741)] // 2·smirnov, d ≥ 0.5
    [InlineData(10, 0.95, 1.9531250000000172e-13)] // 2(1 − d)^n, d ≥ 1 − 1/n
    [InlineData(100, 0.05, 0.9532159710635725)] // Durbin matrix
    [InlineData(100, 0.12, 0.1033037490181987)] // Pomeranz
    [InlineData(100, 0.25, 5.408871776434847e-06)] // 2·smirnov, n ≤ 140
    [InlineData(140, 0.3, 1.1370251710737309e-11)]
    [InlineData(141, 0.08, 0.31084170879264117)] // Pelz–Good
    [InlineData(218, 0.227, 2.3575962585673304e-10)] // 2·smirnov, n > 140
    [InlineData(1000, 0.01, 0.9999496745370611)] // Durbin matrix, n > 140
    [InlineData(1000, 0.05, 0.013012074781090332)]
    [InlineData(1000, 0.0008, 1.0)]
    [InlineData(5000, 0.0001, 1.0)]
    [InlineData(5000, 0.004, 0.9999977369528622)]
    [InlineData(50000, 0.005, 0.1635336349243478)]
    [InlineData(50000, 0.01, 9.018048811843602e-05)] // Smirnov sum with 50000 terms
    [InlineData(150000, 0.002, 0.5852546878861702)] // Pelz–Good, n > 100000
    [InlineData(3000, 0.4, 0.0)] // n·d² ≥ 370
    [InlineData(1000000, 0.002, 0.0006700277103670718)] // Smirnov sum, largest n Cephes sums
    [InlineData(1000001, 0.002, 0.0006700258874578572)] // Cephes' approximation above 10⁶
    [InlineData(2000000, 0.0015, 0.00024657290508461606)]
    [InlineData(3000000, 0.0009, 0.015491669704337492)]
    public void Kolmogorov_survival_matches_scipy_kstwo_in_every_branch(int n, double d, double expected)
    {
        AssertRelative(expected, KolmogorovDistribution.Sf(n, d), $"kstwo.sf({d}, {n})");
    }

    [Theory]
    [InlineData(199, 166, 0.29802627595810377, 1.2594004395099655e-07)]
    [InlineData(5, 73, 0.9917808219178083, 9.473693684220003e-08)]
    [InlineData(31, 84, 0.2837941628264209, 0.04063708682613762)]
    [InlineData(1, 38, 0.9736842105263158, 0.10256410256410256)]
    [InlineData(52, 78, 0.25, 0.03556842299850541)]
    [InlineData(13, 50, 0.8492307692307692, 1.854814131813289e-08)]
    [InlineData(64, 64, 0.3125, 0.0036549418370471773)]
    [InlineData(65, 65, 0.27692307692307694, 0.013332703267964202)]
    [InlineData(52, 52, 0.46153846153846156, 2.263396507456487e-05)]
    [InlineData(10000, 9999, 0.03935070507050705, 3.628475806160994e-07)]
    public void Exact_ks_p_value_matches_scipy(int n1, int n2, double d, double expected)
    {
        // scipy.stats._stats_py._attempt_exact_2kssamp(n1, n2, gcd(n1, n2), d, "two-sided")
        Assert.True(KolmogorovSmirnov.TryExact(n1, n2, d, out var rounded, out var p));
        Assert.Equal(d, rounded);
        AssertRelative(expected, p, $"exact p({n1}, {n2}, {d})");
    }

    [Theory]
    [InlineData(5, 0.2)]
    [InlineData(30, 1 / 30.0)]
    [InlineData(60, 2 / 60.0)]
    public void Exact_ks_fails_where_scipy_fails_and_falls_back_to_asymptotic(int n, double d)
    {
        // SciPy's exact p comes out as 1.0000000000000002 here, so ks_2samp switches to method "asymp".
        Assert.False(KolmogorovSmirnov.TryExact(n, n, d, out _, out var p));
        Assert.True(p > 1);
    }

    [Fact]
    public void Ks_with_one_differing_value_in_five_matches_scipy()
    {
        // ks_2samp([1, 2, 3, 4, 5], [1, 2, 3, 4, 6]) → statistic 0.2, pvalue 1.0 (exact failed, asymptotic used)
        var ks = Analyze([1, 2, 3, 4, 5], [1, 2, 3, 4, 6], DriftTestIds.Ks).Results["ks"];

        Assert.Equal(0.2, ks["statistic"]);
        Assert.Equal(1.0, ks["pValue"]);
        Assert.Equal(1.0, ks["pValueAsymptotic"]);
    }

    private static DriftColumnResult Analyze(double[] reference, double[] current, params string[] tests) =>
        Assert.Single(DriftAnalyzer.Analyze(
            [new DriftColumn("x", ColumnType.Numerical, ColumnSample.FromNumbers(reference), ColumnSample.FromNumbers(current), tests)]).ColumnResults);

    private static (double[] Reference, double[] Current, Expected Expected) Case(string name) => name switch
    {
        "exact_at_10000" => (Uniform(10000, 7919, 10007), Uniform(9000, 104729, 9011, 0.02), new Expected(
            0.020255555555555554, 0.04036201245074921, 0.04045349112555019, 1.8680505467837065, 2.5313729537734808e-05,
            1.892183166327377e-06, 2.3738918663100397e-06, 0.019992578860071268, 0.28869108536162225, 0.02817940277480276)),
        "asymptotic_at_10001" => (Uniform(10001, 7919, 10007), Uniform(9000, 104729, 9011, 0.02), new Expected(
            0.020238087302380886, 0.04072600369889756, 0.04072600369889756, 1.868887510509012, 2.5204028769820752e-05,
            1.8811872295375456e-06, 2.361589928954465e-06, 0.019996522283056838, 0.28867692123234456, 0.028184988308701114)),
        "square_exact_10000" => (Uniform(10000, 7919, 10007), Uniform(10000, 104729, 10009, 0.01), new Expected(
            0.0101, 0.6875487335121528, 0.6835894290585067, 0.493660159999763, 0.0413386652691331,
            0.014620629909132463, 0.015111750772280486, 0.009969903932668259, 0.28869108536162225, 0.014076411910545922)),
        "square_asymptotic_10001" => (Uniform(10001, 7919, 10007), Uniform(10001, 104729, 10009, 0.01), new Expected(
            0.01019898010198983, 0.6718116769550322, 0.6718116769550322, 0.49737537245164276, 0.040449320029461444,
            0.014253143301400609, 0.014734940288107509, 0.010006710923128633, 0.28867692123234456, 0.01412842704152057)),
        "heavy_ties" => (Integers(500, 7919, 10007, 5), HeavyTiesCurrent(), new Expected(
            0.027714285714285716, 0.9737452952807147, 0.9738566964285944, 0.5619315873015864, 0.0278190152832678,
            0.17746141372923005, 0.20899426613481709, 0.11285714285714285, 1.417039166713468, 0.07230660341876932)),
        "ties_small_shift" => (Integers(300, 31, 997, 12), Integers(280, 17, 991, 12, 1), new Expected(
            0.0880952380952381, 0.19606135995858942, 0.1983590607918848, 0.9300116995073893, 0.0035865218124766507,
            0.0006990843374802833, 0.0010709099643990616, 0.9821428571428572, 3.4578413304642344, 0.4013210893786238)),
        "tiny_1_1" => ([0.5], [0.7], new Expected(
            1.0, 1.0, null, null, null, null, 1.0, 0.19999999999999996, 0.0, 0.6324555320336758)),
        "tiny_1_3" => ([0.5], [0.1, 0.7, 0.9], new Expected(
            0.6666666666666666, 1.0, 0.6666666666666665, null, null, null, 1.0, 0.33333333333333337, 0.0, 0.5577733510227171)),
        "tiny_3_2" => ([0.5, 0.6, 0.61], [0.1, 0.7], new Expected(
            0.5, 0.9, 1.0, 0.1333333333333333, 0.6556467210270013, 0.5102734546270757, 1.0, 0.2633333333333333,
            0.049665548085837785, 0.501109879279097)),
        "strong_shift_200_300" => (Uniform(200, 7919, 10007), Uniform(300, 104729, 9011, 0.3), new Expected(
            0.30333333333333334, 3.261620534064021e-10, 2.708476106159118e-10, 8.29986666666666, 5.524991575356353e-11,
            8.312848417242965e-26, 2.4325303453842742e-21, 0.2941277715483377, 0.28886355557228344, 0.39434254900775095)),
        "unequal_40_25" => (Uniform(40, 7919, 10007), Uniform(25, 104729, 9011, 0.1), new Expected(
            0.165, 0.7327259709388657, 0.7502353236323724, 0.16653846153845997, 0.3497357829678778,
            0.18880683995093275, 0.18412072103906918, 0.10195740026704422, 0.29507674709803955, 0.14523314096953713)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>(i·multiplier mod modulus) / modulus + offset, i = 0 … n−1.</summary>
    private static double[] Uniform(int n, long multiplier, long modulus, double offset = 0.0)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = i * multiplier % modulus / (double)modulus + offset;
        }

        return values;
    }

    /// <summary>(i·multiplier mod modulus) mod levels + offset: integers with many ties.</summary>
    private static double[] Integers(int n, long multiplier, long modulus, int levels, int offset = 0)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = i * multiplier % modulus % levels + offset;
        }

        return values;
    }

    private static double[] HeavyTiesCurrent()
    {
        var values = Integers(700, 104729, 10009, 5);
        for (var i = 0; i < values.Length; i += 9)
        {
            values[i] += 1;
        }

        return values;
    }

    private static void AssertClose(double expected, double actual, string what) => ReferenceCases.AssertClose(expected, actual, what);

    private static void AssertOptional(double? expected, IReadOnlyDictionary<string, double>? fields, string field, string what)
    {
        if (expected is null)
        {
            Assert.True(fields is null || !fields.ContainsKey(field), $"{what}.{field}: SciPy has no value, got one");
            return;
        }

        Assert.NotNull(fields);
        Assert.True(fields.ContainsKey(field), $"{what}.{field} missing");
        AssertClose(expected.Value, fields[field], $"{what}.{field}");
    }

    /// <summary>Relative tolerance only, so tiny p-values are really compared.</summary>
    private static void AssertRelative(double expected, double actual, string what)
    {
        var allowed = 1e-6 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= allowed, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
