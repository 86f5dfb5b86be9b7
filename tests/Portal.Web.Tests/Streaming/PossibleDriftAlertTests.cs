using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Streaming;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Alerting;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Streaming;

/// <summary>Alert rules on the number of possible-drift events in the rule's window.</summary>
public sealed class PossibleDriftAlertTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    private Task SeedEventAsync(int modelId, DateTimeOffset at, string detector = PossibleDriftEvent.Adwin) => host.DbAsync(async db =>
    {
        db.PossibleDriftEvents.Add(new PossibleDriftEvent
        {
            ModelId = modelId, At = at.UtcDateTime, Detector = detector, Signal = PossibleDriftEvent.ScoreSignal, Statistic = 0.4, Threshold = 0.1, ValuesSeen = 700,
        });
        return await db.SaveChangesAsync();
    });

    private static AlertRuleForm Rule(string model) => new()
    {
        Name = "PossibleDrift", Model = model, Metric = AlertMetric.PossibleDriftEvents, Comparator = Comparator.GreaterThan,
        Threshold = 0, Window = "10m", For = "0s", ChannelIds = [],
    };

    [Fact]
    public async Task A_rule_on_possible_drift_events_fires_when_an_event_is_in_its_window_and_resolves_after()
    {
        var model = await host.ModelAsync("streamed");
        await host.WithAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(Rule("streamed")));
        var at = host.BaseTime;

        await host.EvaluateAsync(at);
        Assert.DoesNotContain(await host.AlertsAsync(), a => a.State is "Firing" or "Pending");

        await SeedEventAsync(model.Id, at.AddMinutes(1));
        await host.EvaluateAsync(at.AddMinutes(2));
        var alert = Assert.Single(await host.AlertsAsync());
        Assert.Equal("Firing", alert.State);

        await host.EvaluateAsync(at.AddMinutes(12));
        Assert.Equal("Resolved", (await host.AlertsAsync()).Single().State);
    }

    [Fact]
    public async Task The_rule_form_labels_the_metric_accepts_counts_and_the_preview_counts_the_events()
    {
        var model = await host.ModelAsync("previewed");
        var now = AlertRuleService.MinuteFloor(DateTimeOffset.UtcNow);
        await SeedEventAsync(model.Id, now.AddHours(-6));
        await SeedEventAsync(model.Id, now.AddHours(-6).AddMinutes(1), PossibleDriftEvent.PageHinkley);
        await SeedEventAsync(model.Id, now.AddHours(-2));

        Assert.Equal("possible-drift events (streaming detectors)", AlertRuleService.MetricName(AlertMetric.PossibleDriftEvents));
        Assert.False(AlertRuleForm.IsFraction(AlertMetric.PossibleDriftEvents));
        var form = Rule("previewed");
        form.Threshold = 3;
        Assert.Empty((await host.WithAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(form))).Paths);

        form.Threshold = 0;
        var preview = await host.WithAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(form));
        Assert.Equal(2, preview.TimesFired);
        Assert.Equal(2, preview.Models.Single().Series.Max(p => p.Value));
    }
}
