using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Fairness;

/// <summary>
/// The demo's fairness setting: the churn predictor's simulated traffic over-predicts churn for the "18-29" age band,
/// so "age_band" is chosen as its sensitive attribute and the Quality tab shows a flagged disparity. Two early runs
/// (after the first labels arrive, 2–10 minutes after their predictions) fill the panel before the quarter-hourly schedule.
/// </summary>
public static class DemoFairness
{
    public const string Model = "churn-predictor";
    public const string Attribute = "age_band";

    /// <summary>Chooses the attribute when the demo model exists and has no fairness settings yet.</summary>
    public static async Task SeedAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var model = await ModelLookup.WithFeaturesAsync(db, Model, cancellationToken);
        if (model is null || await db.FairnessSettings.AnyAsync(s => s.ModelId == model.Id, cancellationToken))
        {
            return;
        }

        var settings = scope.ServiceProvider.GetRequiredService<FairnessSettingsService>();
        await settings.SaveAsync(model, FairnessSettingsView.Defaults with { Attributes = [Attribute] }, cancellationToken);
        var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        foreach (var minutes in new[] { 5, 10 })
        {
            jobs.Schedule<FairnessJob>(j => j.RunAsync(model.Id, null, CancellationToken.None), TimeSpan.FromMinutes(minutes));
        }
    }
}
