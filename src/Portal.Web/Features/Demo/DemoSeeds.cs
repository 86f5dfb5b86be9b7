using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Client.Simulation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.Slos;

namespace Portal.Web.Features.Demo;

/// <summary>
/// What a team would have set up around the demo models: drift over the last day (a window that holds enough of the
/// history's thinner traffic, 1,440 predictions, for every test to have power), two SLOs per model (paging through it), a "demo-log" channel that keeps its
/// notifications in the portal, and a handful of alert rules with runbooks that route to it. Each is added only when
/// nothing of its kind exists yet, so a restart (or a person who deleted one) is left alone.
/// </summary>
public static class DemoSeeds
{
    public const string LogChannel = "demo-log";

    /// <summary>Latency bound per model, about four times the model's median latency.</summary>
    private static readonly Dictionary<string, double> LatencyBoundsMs = new()
    {
        ["fraud-detector"] = 60, ["churn-predictor"] = 25, ["bike-demand"] = 100, ["ticket-router"] = 40,
    };

    public static async Task SeedAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();
        var names = TrafficSimulator.Models.Select(m => m.Name).ToList();
        var models = await db.Models.AsNoTracking().Include(m => m.Features).Where(m => names.Contains(m.Name)).ToListAsync(cancellationToken);
        await DriftWindowsAsync(services.GetRequiredService<DriftSettingsService>(), db, models, cancellationToken);
        var channel = await LogChannelAsync(services, db, cancellationToken);
        await SlosAsync(services.GetRequiredService<SloService>(), db, models, channel, cancellationToken);
        await RulesAsync(services, db, channel, cancellationToken);
    }

    private static async Task DriftWindowsAsync(DriftSettingsService settings, PortalDbContext db, List<MlModel> models, CancellationToken cancellationToken)
    {
        foreach (var model in models)
        {
            if (!await db.DriftSettings.AnyAsync(s => s.ModelId == model.Id, cancellationToken))
            {
                await settings.SaveAsync(model, (await settings.GetAsync(model.Id, cancellationToken)) with { Window = DriftWindow.LastDay }, cancellationToken);
            }
        }
    }

    /// <summary>The demo-log channel's id, the channel created when missing (where the demo's alerts, SLO ones included, go).</summary>
    private static async Task<int> LogChannelAsync(IServiceProvider services, PortalDbContext db, CancellationToken cancellationToken) =>
        (await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == LogChannel, cancellationToken)
            ?? await services.GetRequiredService<ChannelService>().SaveAsync(new ChannelForm { Name = LogChannel, Type = ChannelType.Log }, cancellationToken)).Id;

    private static async Task SlosAsync(SloService slos, PortalDbContext db, List<MlModel> models, int channel, CancellationToken cancellationToken)
    {
        foreach (var model in models)
        {
            if (await db.SloDefinitions.AnyAsync(s => s.ModelId == model.Id, cancellationToken))
            {
                continue;
            }

            var bound = LatencyBoundsMs.GetValueOrDefault(model.Name, 100);
            await slos.CreateAsync(model, new SloInput("Availability 99 %", SloKind.Availability, 99, 30, null, null, ChannelIds: [channel]), cancellationToken);
            await slos.CreateAsync(model, new SloInput($"99 % under {bound} ms", SloKind.Latency, 99, 30, bound, null, ChannelIds: [channel]), cancellationToken);
        }
    }

    private static async Task RulesAsync(IServiceProvider services, PortalDbContext db, int channel, CancellationToken cancellationToken)
    {
        // SLOs own alert rules of their own (page and ticket): only hand-written rules mean someone set alerting up.
        if (await db.AlertRules.AnyAsync(r => r.SloId == null, cancellationToken))
        {
            return;
        }

        var runbooks = await db.Runbooks.AsNoTracking().ToDictionaryAsync(r => r.Title, r => r.Id, cancellationToken);
        var rules = services.GetRequiredService<AlertRuleService>();
        AlertRuleForm Rule(string name, string? model, AlertMetric metric, Comparator comparator, double threshold, string window, string runbook, AlertSeverity severity, string description) => new()
        {
            Name = name, Model = model, Metric = metric, Comparator = comparator, Threshold = threshold, Window = window, For = "2m",
            Severity = severity, Description = description, RunbookId = runbooks.TryGetValue(runbook, out var id) ? id : null,
            ChannelIds = [channel], Labels = "team=demo",
        };

        AlertRuleForm[] forms =
        [
            Rule("Fraud detector errors", "fraud-detector", AlertMetric.ErrorRate, Comparator.GreaterThan, 0.0025, "15m", "High error rate", AlertSeverity.Critical,
                "More than 0.25 % of fraud predictions failed (the error budget of a 99.75 % service)."),
            Rule("Slow predictions", null, AlertMetric.LatencyP99, Comparator.GreaterThan, 60, "5m", "High latency", AlertSeverity.Warning,
                "Any model's p99 latency is above 60 ms."),
            Rule("Churn inputs drifted", "churn-predictor", AlertMetric.DatasetDriftShare, Comparator.GreaterThan, 0.3, "1h", "Data drift", AlertSeverity.Warning,
                "More than 30 % of the churn model's features drifted in the last drift run."),
            Rule("Churn score shifted", "churn-predictor", AlertMetric.PredictionPsi, Comparator.GreaterThan, 0.2, "1h", "Concept drift", AlertSeverity.Warning,
                "The churn model's score distribution moved (PSI above 0.2)."),
            Rule("Ticket router accuracy", "ticket-router", AlertMetric.Accuracy, Comparator.LessThan, 0.6, "1h", "Low accuracy", AlertSeverity.Warning,
                "Fewer than 60 % of the labelled tickets were routed to the right queue."),
        ];
        foreach (var form in forms)
        {
            await rules.SaveAsync(form, cancellationToken);
        }
    }
}
