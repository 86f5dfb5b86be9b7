using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// The drift job of one model: the window's raw predictions against the model's current reference dataset (or, with no
/// reference, the previous window of the same length), feature by feature with the configured or automatic test;
/// severity by <see cref="DriftSeverityRules"/>; prediction drift (PSI of scores or predicted values) and target drift
/// (PSI of labels); data quality from the rollups. Each run stores a <see cref="DriftRun"/> with its feature results.
/// </summary>
public sealed class DriftJob(
    PortalDbContext db,
    JobRunRecorder recorder,
    DriftSettingsService settingsService,
    PredictionWindowReader window,
    ReferenceReader references,
    MultivariateDrift multivariate,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<DriftJob> logger)
{
    public const string JobType = "drift";

    /// <summary>Runs the analysis (Hangfire passes the context and its cancellation token). Failures are retried three times.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(int modelId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await DriftSchedules.Job.ModelAsync(db, modelId, logger, cancellationToken, withFeatures: true) is not { } model)
        {
            return;
        }

        var settings = await settingsService.GetAsync(model.Id, cancellationToken);
        var (start, end) = settings.WindowAt(time.GetUtcNow().UtcDateTime);
        await recorder.RunAsync(JobType, model.Id, model.Name, (start, end), (run, token) => AnalyseAsync(model, settings, start, end, run, token), context, cancellationToken);
    }

    private async Task<JobResult> AnalyseAsync(MlModel model, DriftSettingsView settings, DateTime start, DateTime end, JobRun run, CancellationToken cancellationToken)
    {
        var cap = Math.Max(1, options.Value.DriftMaxRows);
        var regression = model.TaskType == ModelTaskType.Regression;
        var reference = await ReferenceUpload.Current(db, model.Id).Include(d => d.Columns).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var length = end - start;
        var previousStart = start - length;
        var features = await FeaturesAsync(model, reference, start, end, cancellationToken);

        var currentRows = await window.CountAsync(model.Id, start, end, cancellationToken);
        var baselineRows = reference is not null
            ? (int)Math.Min(int.MaxValue, reference.RowCount)
            : await window.CountAsync(model.Id, previousStart, start, cancellationToken);
        var baseline = reference is not null
            ? $"reference v{reference.Version}"
            : $"previous window {previousStart.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)}Z/{Describe(length)}";

        var (quality, violations) = await DataQualityAsync(model.Id, start, end, cancellationToken);
        var drift = new DriftRun
        {
            JobRunId = run.Id,
            ModelId = model.Id,
            WindowStart = start,
            WindowEnd = end,
            Baseline = baseline,
            CurrentCount = currentRows,
            Features = features.Count,
            DataQualityJson = JsonSerializer.Serialize(quality, DriftSettingsView.Json),
            SchemaViolations = violations,
        };
        run.InputJson = JsonSerializer.Serialize(new
        {
            settings.Window, start, end, baseline, currentRows, baselineRows, settings.MinSampleSize, settings.DriftShare, maxRows = cap,
            analysed = features.Select(f => f.Name), tests = settings.Features,
        }, DriftSettingsView.Json);

        var refusal = currentRows < settings.MinSampleSize
            ? $"not enough data: {currentRows} predictions in the window, fewer than the minimum sample size {settings.MinSampleSize}"
            : baselineRows < settings.MinSampleSize
                ? $"not enough data: the {(reference is null ? "previous window has" : "reference has")} {baselineRows} rows, fewer than the minimum sample size {settings.MinSampleSize}"
                : features.Count == 0 ? "not enough data: the model has no feature schema and nothing to infer one from" : null;
        if (refusal is not null)
        {
            drift.Message = refusal;
            drift.MultivariateMessage = "not computed: " + refusal;
            await SaveAsync(drift, cancellationToken);
            return new JobResult(refusal, NotEnoughData: true);
        }

        var current = await window.ReadAsync(model.Id, features, start, end, currentRows, cap, regression, cancellationToken);
        DriftSample basis;
        if (reference is not null)
        {
            var columns = new Dictionary<string, ColumnSample>(StringComparer.Ordinal);
            foreach (var feature in features)
            {
                if (await references.ReadAsync(reference, feature.Name, feature.Type, cap, cancellationToken) is { } sample)
                {
                    columns[feature.Name] = sample;
                }
            }

            basis = new DriftSample
            {
                Rows = baselineRows,
                Features = columns,
                Outputs = await references.ReadFirstAsync(reference, regression ? ["prediction"] : ReferenceReader.OutputColumns, FeatureType.Numerical, cap, cancellationToken)
                    ?? await window.OutputsAsync(model.Id, previousStart, start, cap, regression, cancellationToken),
                Labels = await references.ReadFirstAsync(reference, ReferenceReader.LabelColumns, regression ? FeatureType.Numerical : FeatureType.Categorical, cap, cancellationToken)
                    ?? await window.LabelsAsync(model.Id, PredictionWindowReader.Ms(previousStart), PredictionWindowReader.Ms(start), PredictionWindowReader.Stride(baselineRows, cap), regression, cancellationToken),
            };
        }
        else
        {
            basis = await window.ReadAsync(model.Id, features, previousStart, start, baselineRows, cap, regression, cancellationToken);
        }

        var importance = model.Features.ToDictionary(f => f.Name, f => f.Importance, StringComparer.Ordinal);
        var results = Analyse(features, basis, current, settings);
        var adjusted = settings.BenjaminiHochberg ? AdjustedPValues(results) : [];
        drift.BenjaminiHochberg = settings.BenjaminiHochberg;
        var weighted = new List<WeightedSeverity>();
        foreach (var (feature, raw, message) in results)
        {
            double? adjustedP = adjusted.TryGetValue(feature.Name, out var a) ? a : null;
            var result = raw is not null && adjustedP is { } p ? raw with { Drifted = DriftTestIds.IsDrift(raw.Test, p, raw.Threshold) } : raw;
            var severity = result is null ? DriftSeverity.None : Severity(result, adjustedP, settings.Severity);
            if (result?.Score is not null)
            {
                weighted.Add(new WeightedSeverity(severity, importance.GetValueOrDefault(feature.Name)));
            }

            drift.FeatureResults.Add(new DriftFeatureResult
            {
                ModelId = model.Id,
                Feature = feature.Name,
                Test = result?.Test ?? settings.Features.GetValueOrDefault(feature.Name)?.Test ?? "none",
                Score = result?.Score,
                Threshold = result?.Threshold ?? 0,
                Drifted = result?.Drifted ?? false,
                Severity = severity,
                Importance = importance.GetValueOrDefault(feature.Name) ?? 0,
                ResultsJson = JsonSerializer.Serialize(result?.Results ?? new Dictionary<string, IReadOnlyDictionary<string, double>>()),
                ReferenceCount = result?.Reference.Count ?? 0,
                CurrentCount = result?.Current.Count ?? current.Features[feature.Name].Count,
                CurrentMissing = result?.Current.Missing ?? current.Features[feature.Name].Missing,
                Message = message ?? result?.Message,
                AdjustedPValue = adjustedP,
            });
        }

        var verdict = DriftSeverityRules.ModelVerdict(weighted, settings.DriftShare);
        drift.HasVerdict = weighted.Count > 0;
        drift.DatasetDrift = verdict.DatasetDrift;
        drift.WeightedDriftShare = verdict.WeightedDriftShare;
        drift.Severity = verdict.Severity;
        drift.DriftedFeatures = drift.FeatureResults.Count(f => f.Drifted);
        drift.DriftShare = weighted.Count > 0 ? (double)drift.DriftedFeatures / weighted.Count : 0;
        drift.PredictionPsi = Psi(basis.Outputs, current.Outputs);
        drift.TargetPsi = Psi(basis.Labels, current.Labels);
        if (!drift.HasVerdict)
        {
            drift.Message = "no feature could be compared: " + string.Join("; ", drift.FeatureResults.Select(f => $"{f.Feature}: {f.Message}").Take(5));
        }

        try
        {
            await multivariate.AnalyseAsync(drift, reference, features, current, settings.MinSampleSize, cancellationToken);
        }
        catch (Portal.Analysis.Common.AnalysisInputException e)
        {
            drift.MultivariateMessage = $"not computed: {e.Field}: {e.Reason}";
        }

        await SaveAsync(drift, cancellationToken);
        var summary = drift.HasVerdict
            ? $"{drift.DriftedFeatures} of {weighted.Count} features drifted ({verdict.WeightedDriftShare:P0} of importance){(drift.BenjaminiHochberg ? " after Benjamini–Hochberg" : "")}; severity {verdict.Severity.ToString().ToLowerInvariant()}" +
              (drift.PredictionPsi is { } psi ? $"; prediction PSI {psi.ToString("0.###", CultureInfo.InvariantCulture)}" : "") + "; " + MultivariateSummary(drift)
            : drift.Message!;
        return new JobResult(summary, NotEnoughData: !drift.HasVerdict);
    }

    /// <summary>
    /// Runs each feature's test. Features with their own threshold are analysed one by one (thresholds are per test in
    /// <see cref="DriftOptions"/>); the others together, so the analyzer runs them in parallel.
    /// </summary>
    private static List<(FeatureSpec Feature, DriftColumnResult? Result, string? Message)> Analyse(
        IReadOnlyList<FeatureSpec> features, DriftSample basis, DriftSample current, DriftSettingsView settings)
    {
        var byName = new Dictionary<string, DriftColumnResult>(StringComparer.Ordinal);
        var plain = new List<DriftColumn>();
        foreach (var feature in features)
        {
            if (!basis.Features.TryGetValue(feature.Name, out var reference))
            {
                continue;
            }

            var setting = settings.Features.GetValueOrDefault(feature.Name);
            var column = new DriftColumn(feature.Name, feature.ColumnType, reference, current.Features[feature.Name], setting?.Test is { } test ? [test] : null);
            if (setting is { Test: { } custom, Threshold: { } threshold })
            {
                var options = new DriftOptions { Thresholds = new Dictionary<string, double> { [custom] = threshold }, DriftShare = settings.DriftShare };
                byName[feature.Name] = DriftAnalyzer.Analyze([column], options).ColumnResults[0];
            }
            else
            {
                plain.Add(column);
            }
        }

        foreach (var result in DriftAnalyzer.Analyze(plain, new DriftOptions { DriftShare = settings.DriftShare }).ColumnResults)
        {
            byName[result.Column] = result;
        }

        return features.Select(f => byName.TryGetValue(f.Name, out var r)
            ? (f, (DriftColumnResult?)r, (string?)null)
            : (f, null, $"the baseline has no column '{f.Name}'")).ToList();
    }

    /// <summary>
    /// Benjamini–Hochberg adjusted p-values of the features judged by a p-value test (by feature name); distance tests
    /// (PSI, Wasserstein, …) take no part and keep their own decision.
    /// </summary>
    private static Dictionary<string, double> AdjustedPValues(List<(FeatureSpec Feature, DriftColumnResult? Result, string? Message)> results)
    {
        var tested = results.Where(r => r.Result is { Score: not null } x && DriftTestIds.IsPValueTest(x.Test)).ToList();
        var adjusted = MultipleTesting.BenjaminiHochberg(tested.Select(r => r.Result!.Score!.Value).ToList());
        return tested.Select((r, i) => (r.Feature.Name, adjusted[i])).ToDictionary(x => x.Name, x => x.Item2, StringComparer.Ordinal);
    }

    /// <summary>The feature's severity; with an adjusted p-value, a p-value test's level is read from it.</summary>
    private static DriftSeverity Severity(DriftColumnResult result, double? adjusted, IReadOnlyDictionary<string, SeverityThresholds> thresholds) =>
        adjusted is { } p && result.Drifted && DriftSeverityRules.SmallerIsWorse(result.Test)
            ? DriftSeverityRules.Level(result.Test, p, thresholds.GetValueOrDefault(result.Test) ?? DriftSeverityRules.DefaultThresholds[result.Test])
            : DriftSeverityRules.FeatureSeverity(result, thresholds);

    private static string MultivariateSummary(DriftRun drift) => drift.PcaReconstructionError is { } error
        ? string.Create(CultureInfo.InvariantCulture,
            $"multivariate: PCA error {error:0.###} {(drift.PcaDrift == true ? "outside" : "within")} the band {drift.PcaBandLower:0.###}–{drift.PcaBandUpper:0.###}, MMD p {drift.MmdPValue:0.###}{(drift.MmdDrift == true ? " (drift)" : "")}")
        : "multivariate " + drift.MultivariateMessage;

    /// <summary>PSI between two samples (numbers: Evidently's bins; categories: one bin each); null when either is empty.</summary>
    private static double? Psi(ColumnSample? reference, ColumnSample? current)
    {
        if (reference is null || current is null || reference.Count == 0 || current.Count == 0 || reference.Type != current.Type)
        {
            return null;
        }

        var column = new DriftColumn("output", reference.Type, reference, current, [DriftTestIds.Psi]);
        return DriftAnalyzer.Analyze([column]).ColumnResults[0].Score;
    }

    /// <summary>The schema's features; without a schema, the reference's columns, else the features the rollups saw.</summary>
    private async Task<List<FeatureSpec>> FeaturesAsync(MlModel model, ReferenceDataset? reference, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        if (model.Features.Count > 0)
        {
            return model.Features.OrderBy(f => f.Ordinal).Select(f => new FeatureSpec(f.Name, f.Type)).ToList();
        }

        if (reference is not null)
        {
            var outputs = ReferenceReader.OutputColumns.Concat(ReferenceReader.LabelColumns).ToHashSet(StringComparer.Ordinal);
            return reference.Columns.Where(c => !outputs.Contains(c.Name)).OrderBy(c => c.Ordinal).Select(c => new FeatureSpec(c.Name, c.Type)).ToList();
        }

        var (from, to) = (RollupAccumulator.MinuteOf(PredictionWindowReader.Ms(start)), PredictionWindowReader.Ms(end));
        var seen = await db.FeatureRollups.AsNoTracking().Where(r => r.ModelId == model.Id && r.MinuteMs >= from && r.MinuteMs < to)
            .Select(r => new { r.Feature, r.Type }).Distinct().ToListAsync(cancellationToken);
        return seen.GroupBy(f => f.Feature).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new FeatureSpec(g.Key, g.First().Type)).ToList();
    }

    /// <summary>One feature's data quality in the window, from the per-minute feature rollups.</summary>
    public sealed record DataQuality(
        string Feature, long Count, long Missing, double? MissingRate, long OutOfRange, double? OutOfRangeRate, long NewCategories, double? NewCategoryRate);

    private async Task<(List<DataQuality> Features, long SchemaViolations)> DataQualityAsync(int modelId, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        var (from, to) = (RollupAccumulator.MinuteOf(PredictionWindowReader.Ms(start)), PredictionWindowReader.Ms(end));
        var rows = await db.FeatureRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to)
            .GroupBy(r => r.Feature)
            .Select(g => new { Feature = g.Key, Count = g.Sum(r => r.Count), Missing = g.Sum(r => r.Missing), OutOfRange = g.Sum(r => r.OutOfRange), NewCategories = g.Sum(r => r.NewCategories) })
            .ToListAsync(cancellationToken);
        var violations = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to)
            .SumAsync(r => (long?)r.SchemaViolations, cancellationToken) ?? 0;
        var quality = rows.OrderBy(r => r.Feature, StringComparer.Ordinal).Select(r =>
        {
            var all = r.Count + r.Missing;
            return new DataQuality(r.Feature, r.Count, r.Missing, Ratio(r.Missing, all), r.OutOfRange, Ratio(r.OutOfRange, r.Count), r.NewCategories, Ratio(r.NewCategories, r.Count));
        }).ToList();
        return (quality, violations);
    }

    private async Task SaveAsync(DriftRun drift, CancellationToken cancellationToken)
    {
        drift.At = time.GetUtcNow().UtcDateTime;
        foreach (var feature in drift.FeatureResults)
        {
            feature.At = drift.At;
        }

        db.DriftRuns.Add(drift);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static double? Ratio(long numerator, long denominator) => denominator > 0 ? (double)numerator / denominator : null;

    private static string Describe(TimeSpan length) =>
        length.TotalDays >= 1 && length.TotalDays % 1 == 0 ? $"{length.TotalDays:0}d"
        : length.TotalHours >= 1 && length.TotalHours % 1 == 0 ? $"{length.TotalHours:0}h"
        : $"{length.TotalMinutes:0}m";
}
