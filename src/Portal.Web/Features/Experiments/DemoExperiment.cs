using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// The demo's A/B experiment: the fraud detector's simulated traffic already tags 20 % of its predictions as
/// "fraud-v2-rollout" / treatment (v2) and the rest as control (v1); this defines and starts that experiment so the
/// demo shows a live analysis (accuracy on labelled predictions, latency and error guardrails).
/// </summary>
public static class DemoExperiment
{
    public const string Id = "fraud-v2-rollout";
    public const string Model = "fraud-detector";

    /// <summary>
    /// Creates and starts the experiment when the demo model exists and the experiment does not. With
    /// <paramref name="startedAt"/> (the demo's backfilled history began the experiment then) its start is dated back and
    /// it is analysed at once, so it has a verdict on the first look.
    /// </summary>
    public static async Task SeedAsync(IServiceScopeFactory scopes, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (!await db.Models.AnyAsync(m => m.Name == Model, cancellationToken) || await db.Experiments.AnyAsync(e => e.Id == Id, cancellationToken))
        {
            return;
        }

        var service = scope.ServiceProvider.GetRequiredService<ExperimentService>();
        await service.CreateAsync(new ExperimentDraft
        {
            Id = Id,
            Name = "Fraud detector v2 rollout (demo)",
            Hypothesis = "v2's sharper scores raise accuracy on labelled transactions without slowing the service down.",
            Model = Model,
            UnitType = "request",
            Arms =
            [
                new ArmDraft { Name = "control", ModelVersion = "v1", Share = 80, IsControl = true },
                new ArmDraft { Name = "treatment", ModelVersion = "v2", Share = 20 },
            ],
            Metrics =
            [
                new MetricDraft { Name = "accuracy", Role = MetricRole.Primary, Kind = MetricKind.Accuracy },
                new MetricDraft { Name = "latency-mean", Role = MetricRole.Secondary, Kind = MetricKind.Latency },
                new MetricDraft { Name = "latency-p99", Role = MetricRole.Guardrail, Kind = MetricKind.LatencyP99, Margin = 0.2, Bound = 200 },
                new MetricDraft { Name = "error-rate", Role = MetricRole.Guardrail, Kind = MetricKind.ErrorRate, Margin = 0.5 },
            ],
            Alpha = 0.05,
            Power = 0.8,
            MinimumDetectableEffect = 0.02,
            // The simulated detector's accuracy: fraud is rare, so nearly every transaction is rightly called legitimate.
            BaselineValue = 0.98,
            Looks = 5,
        }, cancellationToken);
        await service.StartAsync(Id, cancellationToken);
        if (startedAt is { } at)
        {
            var started = at.UtcDateTime;
            await db.Experiments.Where(e => e.Id == Id)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.StartedAt, started).SetProperty(e => e.CreatedAt, started), cancellationToken);
            // Created and started then, so its lifecycle reads in order.
            await db.ExperimentLifecycleEvents.Where(e => e.ExperimentId == Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.At, started), cancellationToken);
            await service.AnalyseNowAsync(Id, cancellationToken);
        }
    }
}
