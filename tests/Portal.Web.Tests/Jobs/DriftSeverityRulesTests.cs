using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Drift.Monitoring;

namespace Portal.Web.Tests.Jobs;

public sealed class DriftSeverityRulesTests
{
    [Theory]
    [InlineData("ks", 0.12, DriftSeverity.Info)]
    [InlineData("ks", 0.15, DriftSeverity.Warning)]
    [InlineData("ks", 0.25, DriftSeverity.Critical)]
    [InlineData("psi", 0.05, DriftSeverity.Info)] // drifted by its own threshold yet below info: still info
    [InlineData("psi", 0.2, DriftSeverity.Warning)]
    [InlineData("psi", 0.3, DriftSeverity.Critical)]
    [InlineData("chisquare", 0.03, DriftSeverity.Info)]
    [InlineData("chisquare", 0.005, DriftSeverity.Warning)]
    [InlineData("chisquare", 0.0001, DriftSeverity.Critical)]
    [InlineData("chi2_contingency", 0.03, DriftSeverity.Info)]
    [InlineData("chi2_contingency", 0.0001, DriftSeverity.Critical)]
    [InlineData("wasserstein", 0.31, DriftSeverity.Critical)]
    public void Default_thresholds_map_a_measure_to_its_level(string test, double measure, DriftSeverity expected) =>
        Assert.Equal(expected, DriftSeverityRules.Level(test, measure, DriftSeverityRules.DefaultThresholds[test]));

    [Fact]
    public void Every_drift_test_has_default_severity_thresholds() =>
        Assert.All(Portal.Analysis.Drift.DriftTestIds.All, test => Assert.True(DriftSeverityRules.DefaultThresholds.ContainsKey(test), test));

    [Fact]
    public void Model_severity_follows_the_importance_weighted_share()
    {
        static WeightedSeverity F(DriftSeverity s, double? importance) => new(s, importance);

        // One critical feature with 60 % of the importance: critical.
        Assert.Equal(DriftSeverity.Critical, DriftSeverityRules.ModelVerdict([F(DriftSeverity.Critical, 0.6), F(DriftSeverity.None, 0.4)], 0.5).Severity);
        // Critical on 30 % and warning on 20 %: together they reach the share at warning level.
        var mixed = DriftSeverityRules.ModelVerdict([F(DriftSeverity.Critical, 0.3), F(DriftSeverity.Warning, 0.2), F(DriftSeverity.None, 0.5)], 0.5);
        Assert.Equal(DriftSeverity.Warning, mixed.Severity);
        Assert.True(mixed.DatasetDrift);
        // An unimportant critical feature only informs.
        var minor = DriftSeverityRules.ModelVerdict([F(DriftSeverity.Critical, 0.1), F(DriftSeverity.None, 0.9)], 0.5);
        Assert.Equal(DriftSeverity.Info, minor.Severity);
        Assert.False(minor.DatasetDrift);
        // Without importances every feature weighs the same; nothing drifted is none.
        Assert.Equal(DriftSeverity.Warning, DriftSeverityRules.ModelVerdict([F(DriftSeverity.Warning, null), F(DriftSeverity.None, null)], 0.5).Severity);
        Assert.Equal(DriftSeverity.None, DriftSeverityRules.ModelVerdict([F(DriftSeverity.None, 0.5)], 0.5).Severity);
        // A feature without an importance weighs the mean of the others.
        Assert.Equal(0.5, DriftSeverityRules.ModelVerdict([F(DriftSeverity.Info, null), F(DriftSeverity.None, 0.2)], 0.5).WeightedDriftShare, 12);
    }
}
