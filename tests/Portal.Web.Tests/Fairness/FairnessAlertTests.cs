using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Alerting;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Fairness;

/// <summary>Alert rules on the fairness disparity ratio, resolved from the fairness job's stored results.</summary>
public sealed class FairnessAlertTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    /// <summary>Stores one fairness run: per attribute, its metrics' ratios in the 1h window.</summary>
    private Task SeedRunAsync(int modelId, DateTimeOffset at, params (string Attribute, string Metric, double? Ratio)[] ratios) => host.DbAsync(async db =>
    {
        var run = new JobRun { JobType = "fairness", ModelId = modelId, StartedAt = at.UtcDateTime, FinishedAt = at.UtcDateTime, Outcome = JobOutcome.Succeeded };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync();
        db.FairnessDisparityResults.AddRange(ratios.Select(r => new FairnessDisparityResult
        {
            JobRunId = run.Id, ModelId = modelId, At = at.UtcDateTime, Window = JobWindow.Hour, Attribute = r.Attribute, Metric = r.Metric,
            Ratio = r.Ratio, Flagged = r.Ratio < 0.8, Threshold = 0.8,
        }));
        await db.SaveChangesAsync();
        return 0;
    });

    private Task<AlertRuleEntity> RuleAsync(string name, string model, string? attribute) =>
        host.WithAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(new AlertRuleForm
        {
            Name = name, Model = model, Metric = AlertMetric.FairnessDisparity, Feature = attribute, Comparator = Comparator.LessThan,
            Threshold = 0.8, Window = "30m", For = "0s",
        }));

    [Fact]
    public async Task A_disparity_rule_fires_on_the_lowest_ratio_of_the_latest_run_for_its_attribute_or_the_worst_attribute()
    {
        var model = await host.ModelAsync("fair-model");
        var t = host.BaseTime;
        await SeedRunAsync(model.Id, t, ("sex", "accuracy", 0.95), ("sex", "selectionRate", 0.9), ("region", "selectionRate", 0.85));
        await SeedRunAsync(model.Id, t.AddMinutes(15), ("sex", "accuracy", 0.95), ("sex", "selectionRate", 0.9), ("sex", "falsePositiveRate", null), ("region", "selectionRate", 0.6));

        var sexRule = await RuleAsync("SexDisparity", "fair-model", "sex");
        var anyRule = await RuleAsync("AnyDisparity", "fair-model", null);
        var stored = await host.WithAsync<AlertRuleService, AlertRuleEntity?>(s => s.FindAsync(anyRule.Id));
        Assert.Null(stored!.Feature);

        Assert.Equal(0.9, await host.WithAsync<AlertMetricResolver, double?>(r => r.ValueAsync(sexRule, model, t.AddMinutes(16), CancellationToken.None)));
        Assert.Equal(0.6, await host.WithAsync<AlertMetricResolver, double?>(r => r.ValueAsync(anyRule, model, t.AddMinutes(16), CancellationToken.None)));
        Assert.Equal(0.85, await host.WithAsync<AlertMetricResolver, double?>(r => r.ValueAsync(anyRule, model, t.AddMinutes(5), CancellationToken.None)));
        Assert.Null(await host.WithAsync<AlertMetricResolver, double?>(r => r.ValueAsync(anyRule, model, t.AddHours(2), CancellationToken.None)));

        await host.EvaluateAsync(t.AddMinutes(16));
        var alerts = await host.DbAsync(db => db.Alerts.AsNoTracking().ToListAsync());
        var firing = Assert.Single(alerts, a => a.State == "Firing");
        Assert.Equal(anyRule.Id, firing.RuleId);
        Assert.DoesNotContain(alerts, a => a.RuleId == sexRule.Id && a.State == "Firing");
    }

    [Fact]
    public async Task The_form_treats_the_ratio_as_a_fraction_and_checks_the_attribute()
    {
        await host.ModelAsync("fair-form");
        var errors = await host.WithAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(new AlertRuleForm
        {
            Name = "Bad", Model = "fair-form", Metric = AlertMetric.FairnessDisparity, Threshold = 80, Comparator = Comparator.LessThan,
        }));
        Assert.Contains("fraction between 0 and 1", errors.Message("threshold"));
        Assert.True(AlertRuleForm.IsFraction(AlertMetric.FairnessDisparity));
        Assert.Equal("fairness disparity ratio (min/max)", AlertRuleService.MetricName(AlertMetric.FairnessDisparity));
    }

    [Fact]
    public async Task The_preview_replays_the_stored_ratios()
    {
        var model = await host.ModelAsync("fair-preview");
        var now = AlertRuleService.MinuteFloor(DateTimeOffset.UtcNow);
        await SeedRunAsync(model.Id, now.AddHours(-3), ("sex", "selectionRate", 0.5));
        await SeedRunAsync(model.Id, now.AddHours(-1), ("sex", "selectionRate", 0.95));

        var preview = await host.WithAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(new AlertRuleForm
        {
            Name = "Preview", Model = "fair-preview", Metric = AlertMetric.FairnessDisparity, Feature = "sex", Comparator = Comparator.LessThan,
            Threshold = 0.8, Window = "30m", For = "0s",
        }));
        Assert.Equal(1, preview.TimesFired);
        var values = preview.Models.Single().Series.Where(p => p.Value is not null).Select(p => p.Value).Distinct().ToList();
        Assert.Equal([0.5, 0.95], values);
    }
}
