using Portal.Data.Entities;
using Portal.Web.Features.Drift.Monitoring;

namespace Portal.Web.Tests.Jobs;

public sealed class DriftSettingsFormTests
{
    [Fact]
    public void Categorical_feature_offers_chi2_contingency_and_every_test_gets_a_severity_row()
    {
        var model = new MlModel { Name = "m", TaskType = ModelTaskType.Binary };
        model.Features.Add(new ModelFeature { Name = "country", Type = FeatureType.Categorical, Ordinal = 0 });
        model.Features.Add(new ModelFeature { Name = "amount", Type = FeatureType.Numerical, Ordinal = 1 });

        var form = DriftSettingsForm.From(DriftSettingsView.Defaults, model);

        Assert.Equal(["chisquare", "chi2_contingency", "z", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"], form.Features[0].Tests);
        Assert.Contains("chi2_contingency", form.Features[1].Tests);
        Assert.Equal(Portal.Analysis.Drift.DriftTestIds.All, form.Severity.Select(s => s.Test));
        Assert.Equal("p-value (smaller is worse)", form.Severity.Single(s => s.Test == "chi2_contingency").Measure);
    }
}
