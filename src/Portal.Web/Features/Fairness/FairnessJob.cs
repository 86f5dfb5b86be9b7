using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Fairness;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Quality;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Fairness;

/// <summary>
/// The fairness job of one model: for each sensitive attribute and each of the quality job's windows (1h, 1d, 7d by
/// prediction time), the labelled predictions (features, predicted class, label; every k-th when there are more than
/// <see cref="JobsOptions.QualityMaxPairs"/>) go through <see cref="FairnessAnalysis.Evaluate"/>; per group and per
/// disparity one row is stored. Binary classifiers only (positive class "1"): other models get a run that says so.
/// </summary>
public sealed class FairnessJob(PortalDbContext db, JobRunRecorder recorder, IOptions<JobsOptions> options, TimeProvider time, ILogger<FairnessJob> logger)
{
    public const string JobType = "fairness";

    /// <summary>The run summary of a model that is not a binary classifier (also shown on the Quality tab).</summary>
    public static string NotSupported(ModelTaskType task) =>
        $"not supported: fairness needs a binary classifier (predictions and labels 0/1); this model is {task.ToString().ToLowerInvariant()}";

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(int modelId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await FairnessSchedules.Job.ModelAsync(db, modelId, logger, cancellationToken) is not { } model)
        {
            return;
        }

        var settings = FairnessSettingsView.From(await db.FairnessSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ModelId == modelId, cancellationToken));
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var end = DateTimeOffset.FromUnixTimeMilliseconds(RollupAccumulator.MinuteOf(nowMs) + 60_000).UtcDateTime;
        await recorder.RunAsync(JobType, model.Id, model.Name, (end - QualityJob.Windows[^1].Length, end), (run, token) => ComputeAsync(model, settings, end, run, token), context, cancellationToken);
    }

    private async Task<JobResult> ComputeAsync(MlModel model, FairnessSettingsView settings, DateTime end, JobRun run, CancellationToken cancellationToken)
    {
        if (model.TaskType != ModelTaskType.Binary)
        {
            return new JobResult(NotSupported(model.TaskType), NotEnoughData: true);
        }

        if (settings.Attributes.Count == 0)
        {
            return new JobResult("not enough data: no sensitive attribute chosen (fairness settings)", NotEnoughData: true);
        }

        var at = time.GetUtcNow().UtcDateTime;
        var cap = Math.Max(1, options.Value.QualityMaxPairs);
        var sampled = new Dictionary<string, int>();
        var groups = new List<FairnessGroupResult>();
        var disparities = new List<FairnessDisparityResult>();
        foreach (var (window, length) in QualityJob.Windows)
        {
            var start = end - length;
            var (rows, stride) = await RowsAsync(model.Id, settings.Attributes, start, end, cap, cancellationToken);
            sampled[JobWindows.Name(window)] = stride;
            if (rows.Count == 0)
            {
                continue;
            }

            var yTrue = rows.Select(r => r.Label).ToArray();
            var yPred = rows.Select(r => r.Predicted).ToArray();
            for (var a = 0; a < settings.Attributes.Count; a++)
            {
                var attribute = settings.Attributes[a];
                var report = FairnessAnalysis.Evaluate(rows.Select(r => r.Values[a]).ToArray(), yTrue, yPred, settings.MinGroupSize, settings.Threshold);
                groups.AddRange(report.Groups.Select(g => new FairnessGroupResult
                {
                    JobRunId = run.Id, ModelId = model.Id, At = at, Window = window, WindowStart = start, WindowEnd = end, Attribute = attribute,
                    Group = g.Group, Count = g.Count, IncludedInRatios = g.IncludedInRatios, Accuracy = g.Accuracy, SelectionRate = g.SelectionRate,
                    FalsePositiveRate = Finite(g.FalsePositiveRate), TruePositiveRate = Finite(g.TruePositiveRate),
                }));
                disparities.AddRange(report.Disparities.Select(d => new FairnessDisparityResult
                {
                    JobRunId = run.Id, ModelId = model.Id, At = at, Window = window, Attribute = attribute, Metric = d.Metric,
                    Ratio = d.Ratio, LowestGroup = d.LowestGroup, HighestGroup = d.HighestGroup, Flagged = d.Flagged, Threshold = settings.Threshold,
                }));
            }
        }

        run.InputJson = JsonSerializer.Serialize(new { end, settings.Attributes, settings.MinGroupSize, settings.Threshold, maxPairs = cap, samplingStride = sampled });
        db.FairnessGroupResults.AddRange(groups);
        db.FairnessDisparityResults.AddRange(disparities);
        await db.SaveChangesAsync(cancellationToken);

        if (groups.Count == 0)
        {
            return new JobResult("not enough data: no labelled predictions with predicted class 0/1 in the last 7 days", NotEnoughData: true);
        }

        var flagged = disparities.Where(d => d.Window == JobWindow.Day && d.Flagged).Select(d => $"{d.Attribute} {d.Metric} {d.Ratio!.Value.ToString("0.##", CultureInfo.InvariantCulture)}").ToList();
        var labelled = groups.Where(g => g.Window == JobWindow.Day && g.Attribute == settings.Attributes[0]).Sum(g => g.Count);
        return new JobResult($"1d: {labelled} labelled; " + (flagged.Count == 0 ? "no disparity below the threshold" : "flagged: " + string.Join(", ", flagged)));
    }

    /// <summary>A labelled prediction: the sensitive values (one per attribute, null when absent), label and predicted class as 0/1.</summary>
    private sealed record Row(string?[] Values, int Label, int Predicted);

    /// <summary>Labelled predictions of the window with a 0/1 class on both sides, every k-th by prediction id when there are more than the cap.</summary>
    private async Task<(List<Row> Rows, int Stride)> RowsAsync(int modelId, IReadOnlyList<string> attributes, DateTime start, DateTime end, int cap, CancellationToken cancellationToken)
    {
        var (joined, stride) = await PredictionWindowReader.LabelledAsync(db, modelId, start, end, cap, cancellationToken);
        var rows = new List<Row>();
        await foreach (var row in joined.Select(x => new { x.Prediction.Features, x.Prediction.Prediction, x.Label.Label }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (BinaryLabel.Parse(row.Label) is { } label && BinaryLabel.Parse(row.Prediction) is { } predicted)
            {
                rows.Add(new Row(Values(row.Features, attributes), label, predicted));
            }
        }

        return (rows, stride);
    }

    /// <summary>The attributes' values in a features object: strings as they are, numbers and booleans as JSON text, null when absent.</summary>
    public static string?[] Values(byte[]? features, IReadOnlyList<string> attributes)
    {
        var values = new string?[attributes.Count];
        if (features is null || features.Length == 0)
        {
            return values;
        }

        using var json = JsonDocument.Parse(features);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            return values;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (json.RootElement.TryGetProperty(attributes[i], out var value))
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => value.GetRawText(),
                };
                values[i] = text is { Length: > FairnessGroupResult.GroupMaxLength } ? text[..FairnessGroupResult.GroupMaxLength] : text;
            }
        }

        return values;
    }

    private static double? Finite(double value) => double.IsNaN(value) ? null : value;
}
