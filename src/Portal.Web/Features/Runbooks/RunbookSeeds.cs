using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Alerting;

namespace Portal.Web.Features.Runbooks;

/// <summary>The runbooks every portal starts with (added once, when there are no runbooks yet; editable like any other).</summary>
public static class RunbookSeeds
{
    public static readonly (string Title, string Tags, string Markdown)[] All =
    [
        ("High error rate", "errors,availability", """
            # High error rate

            The share of predictions that came back with an `error` is above the rule's threshold.

            ## Check
            1. Open the model's **Health** dashboard: did the errors start at a deployment (version change)?
            2. Group the errors by type (the `error` field) — one dominant type usually points at one cause.
            3. Look at the **Resources** tier: CPU or memory saturation, out-of-memory restarts.
            4. Check upstream dependencies (feature store, databases) for outages.

            ## Act
            - A new version is the cause → **roll back** to the previous version.
            - A dependency is down → fail over or degrade gracefully; tell its owners.
            - Bad input → validate it at the edge and reject it with a clear message.
            """),
        ("High latency", "latency,infrastructure", """
            # High latency

            p95/p99 latency is above the SLO bound.

            ## Check
            1. **Resources**: CPU, memory, GPU utilisation of the serving hosts — saturated?
            2. **Traffic**: did the request rate jump (a new client, a retry storm)?
            3. Compare latency per host: one bad instance or all of them?
            4. Was a new model version (bigger model, new features) deployed just before?

            ## Act
            - Scale out, or raise resource limits.
            - Throttle or shed abusive traffic.
            - Roll back a version that is slower.
            """),
        ("Data drift", "drift,data", """
            # Data drift

            The input distribution moved away from the reference dataset.

            ## Check
            1. **Drift** dashboard: which features drifted, and by how much (the test and its score)?
            2. Is it a real-world change (season, campaign, new market) or a pipeline bug (units, encoding, defaults)?
            3. Data quality: missing values, out-of-range values, new categories at the same time?

            ## Act
            - Pipeline bug → fix the producer; backfill if needed.
            - Real change → check accuracy on labelled data; retrain on recent data and refresh the reference.
            """),
        ("Concept drift", "drift,quality", """
            # Concept drift

            The relation between inputs and the target changed: predictions (or labels) shift although the inputs may not.

            ## Check
            1. Prediction PSI and the class distribution over time (**Quality** tier).
            2. Target drift: did the label distribution change?
            3. Accuracy on the latest labelled window, per segment.

            ## Act
            - Retrain with recent labels; recalibrate thresholds.
            - Consider a shorter retraining cadence or online updates.
            """),
        ("Low accuracy", "quality,labels", """
            # Low accuracy

            Accuracy (or F1/AUC, or MAE/RMSE for regression) on the labelled sample crossed the threshold.

            ## Check
            1. How many labels are in the window? A small sample is noisy.
            2. Did it start at a version change? Compare versions on the **Quality** tier.
            3. Any data or concept drift at the same time?
            4. Which segments lost the most?

            ## Act
            - Roll back a bad version.
            - Retrain with recent data; fix label delays or label bugs.
            """),
        ("Low confidence", "quality,confidence", """
            # Low confidence

            More predictions than usual have a confidence below the model's low-confidence threshold.

            ## Check
            1. Confidence histogram on the **Quality** tier: a shift to the middle?
            2. Data drift or new categories: the model sees inputs it was not trained on.
            3. A new version with different calibration?

            ## Act
            - Route low-confidence predictions to a fallback or to human review.
            - Retrain with examples of the new inputs; recalibrate.
            """),
        (SloBurnTitle, "slo,errors,latency", """
            # SLO burn

            The SLO's error budget is burning fast (a **page**: 1h and 5m, or 6h and 30m, both above their threshold) or
            steadily (a **ticket**: 1d and 2h, or 3d and 6h). At a page's rate the whole 30-day budget is gone in days.

            ## Check
            1. Open the model's **SLOs** page: which SLO, which windows, and the burn-rate chart — when did it start?
            2. Match the SLO's kind to its dashboard: availability and error rate on **Health** (errors by type),
               latency on **Health** (p99) and **Resources**, accuracy on **Quality**, throughput on traffic.
            3. Did a version start just before? The alert's root cause lists the suspects.
            4. Is the short window already back below the threshold? Then it is recovering; watch, do not act twice.

            ## Act
            - A new version is the cause → **roll back**.
            - A dependency or the infrastructure → fail over, scale out, tell its owners.
            - A ticket: plan the fix this week; the budget still lasts, but not for the whole window.
            """),
    ];

    /// <summary>The runbook SLO burn-rate alerts link to (added when missing, since every SLO's alerts point at it).</summary>
    public const string SloBurnTitle = "SLO burn";

    public static async Task SeedAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var any = await db.Runbooks.AnyAsync(cancellationToken);
        if (any && await db.Runbooks.AnyAsync(r => r.Title == SloBurnTitle, cancellationToken))
        {
            return;
        }

        var now = DateTime.UtcNow;
        foreach (var (title, tags, markdown) in All.Where(r => !any || r.Title == SloBurnTitle))
        {
            var text = string.Join('\n', markdown.Split('\n').Select(l => l.TrimEnd()));
            db.Runbooks.Add(new Runbook
            {
                Title = title, Tags = tags, Markdown = text, UpdatedAt = now, UpdatedBy = "system",
                Versions = [new RunbookVersion { Version = 1, Title = title, Markdown = text, Tags = tags, At = now, By = "system" }],
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Seeds the runbooks at start-up (after the migrations, which run before the host starts).</summary>
public sealed class RunbookSeeder(IServiceScopeFactory scopes, ILogger<RunbookSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RunbookSeeds.SeedAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Seeding the runbooks failed");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
