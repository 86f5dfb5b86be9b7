using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Quality;

namespace Portal.Web.Features.Fairness;

/// <summary>One group of the latest fairness run (rates as fractions; FPR/TPR null when the group has no negatives / positives).</summary>
public sealed record FairnessGroup(string Group, int Count, bool IncludedInRatios, double Accuracy, double SelectionRate, double? FalsePositiveRate, double? TruePositiveRate);

/// <summary>One disparity of the latest fairness run: min/max of a metric over the compared groups.</summary>
public sealed record FairnessDisparity(string Metric, double? Ratio, string? LowestGroup, string? HighestGroup, bool Flagged);

/// <summary>A disparity ratio of one run, for the history chart.</summary>
public sealed record FairnessPoint(DateTime At, string Metric, double? Ratio, bool Flagged);

/// <summary>The latest results of one attribute in one window, and (when asked for) its disparity history, oldest first.</summary>
public sealed record FairnessAttributeResult(
    string Attribute, IReadOnlyList<FairnessGroup> Groups, IReadOnlyList<FairnessDisparity> Disparities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FairnessPoint>? History);

/// <summary>What the Quality tab's fairness panel and <c>GET /api/v1/models/{model}/fairness</c> show.</summary>
public sealed record FairnessAnswer(
    string Model, JobWindow Window, DateTime? At, IReadOnlyList<string> SensitiveAttributes, int MinGroupSize, double Threshold,
    string? Message, IReadOnlyList<FairnessAttributeResult> Attributes);

/// <summary>Reads the fairness job's stored results.</summary>
public sealed class FairnessResults(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>Runs kept on the history chart (newest).</summary>
    public const int HistoryRuns = 200;


    /// <summary>
    /// The latest run's groups and disparities of every configured attribute (or only <paramref name="attribute"/>) in
    /// <paramref name="window"/>; with <paramref name="history"/> also the disparity ratios of earlier runs.
    /// </summary>
    public Task<FairnessAnswer> LoadAsync(MlModel model, JobWindow window, string? attribute, bool history, CancellationToken cancellationToken) =>
        LoadAsync(model.Id, model.Name, model.TaskType, window, attribute, history, cancellationToken);

    public async Task<FairnessAnswer> LoadAsync(int modelId, string modelName, ModelTaskType task, JobWindow window, string? attribute, bool history, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var settings = FairnessSettingsView.From(await db.FairnessSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ModelId == modelId, cancellationToken));
        var latest = await db.FairnessGroupResults.AsNoTracking().Where(r => r.ModelId == modelId && r.Window == window)
            .OrderByDescending(r => r.JobRunId).Select(r => new { r.JobRunId, r.At }).FirstOrDefaultAsync(cancellationToken);
        var attributes = settings.Attributes.Where(a => attribute is null || a == attribute).ToList();
        var results = new List<FairnessAttributeResult>();
        if (latest is not null)
        {
            var groups = await db.FairnessGroupResults.AsNoTracking().Where(r => r.JobRunId == latest.JobRunId && r.Window == window).ToListAsync(cancellationToken);
            var disparities = await db.FairnessDisparityResults.AsNoTracking().Where(r => r.JobRunId == latest.JobRunId && r.Window == window).ToListAsync(cancellationToken);
            foreach (var name in attributes)
            {
                var points = history ? await HistoryAsync(db, modelId, window, name, cancellationToken) : null;
                results.Add(new FairnessAttributeResult(
                    name,
                    groups.Where(g => g.Attribute == name).OrderBy(g => g.Group, StringComparer.Ordinal)
                        .Select(g => new FairnessGroup(g.Group, g.Count, g.IncludedInRatios, g.Accuracy, g.SelectionRate, g.FalsePositiveRate, g.TruePositiveRate)).ToList(),
                    disparities.Where(d => d.Attribute == name).OrderBy(d => MetricOrder(d.Metric))
                        .Select(d => new FairnessDisparity(d.Metric, d.Ratio, d.LowestGroup, d.HighestGroup, d.Flagged)).ToList(),
                    points));
            }
        }

        var message = task != ModelTaskType.Binary ? FairnessJob.NotSupported(task)
            : settings.Attributes.Count == 0 ? "No sensitive attribute chosen: pick one in the model's fairness settings."
            : latest is null ? "No fairness results yet: the fairness job needs labelled predictions (labels joined by predictionId) and runs with the quality job."
            : null;
        return new FairnessAnswer(modelName, window, latest?.At, settings.Attributes, settings.MinGroupSize, settings.Threshold, message, results);
    }

    private static async Task<IReadOnlyList<FairnessPoint>> HistoryAsync(PortalDbContext db, int modelId, JobWindow window, string attribute, CancellationToken cancellationToken)
    {
        var rows = await db.FairnessDisparityResults.AsNoTracking().Where(r => r.ModelId == modelId && r.Window == window && r.Attribute == attribute)
            .OrderByDescending(r => r.JobRunId).Take(HistoryRuns * 4).Select(r => new FairnessPoint(r.At, r.Metric, r.Ratio, r.Flagged)).ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.At).ToList();
    }

    private static int MetricOrder(string metric) => Portal.Analysis.Fairness.FairnessAnalysis.MetricNames.ToList().IndexOf(metric);
}
