using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// A live evaluation reads each table once for every model (<see cref="AlertMetricResolver.PreloadAsync"/>): each
/// model's rules must still see only that model's rows, and a rule whose window is longer than the preloaded range
/// reads its own.
/// </summary>
public sealed class AlertPreloadTests
{
    [Fact]
    public async Task Each_models_rule_reads_only_its_models_rows_from_the_preloaded_range()
    {
        using var host = new AlertingTestHost();
        var at = AlertRuleService.MinuteFloor(DateTimeOffset.UtcNow).AddMinutes(-5);
        var models = new[] { ("calm", 0.02), ("failing", 0.5), ("mild", 0.1) };
        var rules = new List<(AlertRuleEntity Rule, double ErrorRate)>();
        foreach (var (name, errorRate) in models)
        {
            var model = await host.ModelAsync($"preload-{name}");
            await host.SeedTrafficAsync(model.Id, at.AddMinutes(-4), 4, errorRate);
            rules.Add((await host.RuleAsync($"{name} errors", model.Name, 0.05, "0s", []), errorRate));
            // An 8-hour window is longer than the preload reads: this rule reads its own rows (the same answer).
            rules.Add((await host.RuleAsync($"{name} errors today", model.Name, 0.05, "0s", [], window: "8h"), errorRate));
        }

        var logged = host.Factory.Logs.Lines.Count;
        await host.EvaluateAsync(at);

        // The rule values: one read of every model's prediction rollups for the 5-minute rules, one own read per
        // 8-hour rule (root-cause analysis of the firing alerts reads more, by model).
        var reads = host.Factory.Logs.Lines.Skip(logged)
            .Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal) && l.Contains("FROM \"PredictionRollups\"", StringComparison.Ordinal)).ToList();
        Assert.Single(reads, l => l.Contains("@predictionsFrom", StringComparison.Ordinal));
        Assert.Equal(models.Length, reads.Count(l => l.Contains(">= @a AND", StringComparison.Ordinal)));

        var alerts = await host.AlertsAsync();
        foreach (var (rule, errorRate) in rules)
        {
            var alert = alerts.Single(a => a.RuleId == rule.Id);
            Assert.Equal(errorRate > 0.05 ? "Firing" : "Inactive", alert.State);
            Assert.Equal(errorRate, alert.LastValue!.Value, 9);
        }
    }
}
