using Portal.Analysis.Experiments;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>Every expected field of every public welch / proportions / srm / sampleSize / obrienFleming case.</summary>
public class ExperimentReferenceTests
{
    public static TheoryData<string> WelchCases => ReferenceCases.Ids("welch");

    public static TheoryData<string> ProportionsCases => ReferenceCases.Ids("proportions");

    public static TheoryData<string> SrmCases => ReferenceCases.Ids("srm");

    public static TheoryData<string> SampleSizeCases => ReferenceCases.Ids("sampleSize");

    public static TheoryData<string> ObrienFlemingCases => ReferenceCases.Ids("obrienFleming");

    [Theory]
    [MemberData(nameof(WelchCases))]
    public void Welch_matches_scipy(string id)
    {
        var c = ReferenceCases.ById(id);
        var alpha = c["alpha"]!.GetValue<double>();
        var result = ExperimentStatistics.Welch(ReferenceCases.Numbers(c["control"]), ReferenceCases.Numbers(c["treatment"]), alpha);

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            if (field == "significant")
            {
                Assert.Equal(expected!.GetValue<bool>(), result.Significant);
                continue;
            }

            var actual = field switch
            {
                "t" => result.T,
                "df" => result.Df,
                "pValue" => result.PValue,
                "difference" => result.Difference,
                "ciLow" => result.CiLow,
                "ciHigh" => result.CiHigh,
                "lift" => result.Lift ?? double.NaN,
                _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
            };
            ReferenceCases.AssertClose(expected!.GetValue<double>(), actual, $"{id} {field}");
        }

        var expectedPValue = c["expected"]!["pValue"]!.GetValue<double>();
        Assert.Equal(expectedPValue < alpha, result.Significant);
    }

    [Theory]
    [MemberData(nameof(ProportionsCases))]
    public void TwoProportions_matches_statsmodels(string id)
    {
        var c = ReferenceCases.ById(id);
        var alpha = c["alpha"]!.GetValue<double>();
        var result = ExperimentStatistics.TwoProportions(ProportionOf(c["control"]!), ProportionOf(c["treatment"]!), alpha);

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            if (field == "significant")
            {
                Assert.Equal(expected!.GetValue<bool>(), result.Significant);
                continue;
            }

            var actual = field switch
            {
                "z" => result.Z,
                "pValue" => result.PValue,
                "difference" => result.Difference,
                "ciLow" => result.CiLow,
                "ciHigh" => result.CiHigh,
                "lift" => result.Lift ?? double.NaN,
                _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
            };
            ReferenceCases.AssertClose(expected!.GetValue<double>(), actual, $"{id} {field}");
        }

        var expectedPValue = c["expected"]!["pValue"]!.GetValue<double>();
        Assert.Equal(expectedPValue < alpha, result.Significant);
    }

    [Theory]
    [MemberData(nameof(SrmCases))]
    public void Srm_matches_scipy_chisquare(string id)
    {
        var c = ReferenceCases.ById(id);
        var observed = c["observed"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
        var result = ExperimentStatistics.SampleRatioMismatch(observed, ReferenceCases.Numbers(c["split"]));

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            switch (field)
            {
                case "statistic":
                    ReferenceCases.AssertClose(expected!.GetValue<double>(), result.Statistic, $"{id} {field}");
                    break;
                case "pValue":
                    ReferenceCases.AssertClose(expected!.GetValue<double>(), result.PValue, $"{id} {field}");
                    break;
                case "mismatch":
                    Assert.Equal(expected!.GetValue<bool>(), result.Mismatch);
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SampleSizeCases))]
    public void SampleSize_matches_the_formula(string id)
    {
        var c = ReferenceCases.ById(id);
        var perVariant = ExperimentStatistics.SampleSizePerVariant(
            c["baselineRate"]!.GetValue<double>(),
            c["relativeMde"]!.GetValue<double>(),
            c["power"]!.GetValue<double>(),
            c["alpha"]!.GetValue<double>());

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            Assert.Equal("perVariant", field);
            Assert.Equal(expected!.GetValue<long>(), perVariant);
        }
    }

    [Theory]
    [MemberData(nameof(ObrienFlemingCases))]
    public void ObrienFleming_matches_scipy(string id)
    {
        var c = ReferenceCases.ById(id);
        var alphaSpent = ExperimentStatistics.ObrienFlemingAlphaSpent(
            c["informationFraction"]!.GetValue<double>(),
            c["alpha"]!.GetValue<double>());

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            Assert.Equal("alphaSpent", field);
            ReferenceCases.AssertClose(expected!.GetValue<double>(), alphaSpent, $"{id} {field}");
        }
    }

    private static Proportion ProportionOf(System.Text.Json.Nodes.JsonNode node) =>
        new(node["successes"]!.GetValue<long>(), node["trials"]!.GetValue<long>());
}
