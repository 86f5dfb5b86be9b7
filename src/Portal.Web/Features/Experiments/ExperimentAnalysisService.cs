using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Realtime;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// Runs one analysis of a started experiment: loads its data, calls <see cref="ExperimentAnalyzer"/>, stores the
/// result as an <see cref="ExperimentAnalysis"/> and publishes the model change "experiments". When neither the data
/// nor the look changed since the last stored analysis, nothing new is stored and the last one is returned.
/// </summary>
public sealed class ExperimentAnalysisService(PortalDbContext db, ExperimentDataLoader loader, IModelChangeNotifier notifier, TimeProvider time)
{
    public const string ChangeName = "experiments";

    /// <summary>The stored (or unchanged last) analysis and whether a new one was stored.</summary>
    public async Task<(ExperimentAnalysis Analysis, ExperimentResult Result, bool Stored)> AnalyseAsync(string experimentId, long? jobRunId, CancellationToken cancellationToken)
    {
        var experiment = await db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model)
            .AsSplitQuery().FirstOrDefaultAsync(e => e.Id == experimentId, cancellationToken)
            ?? throw new ExperimentNotFoundException(experimentId);
        if (experiment.State == ExperimentState.Draft)
        {
            throw new ExperimentConflictException("state", $"Experiment '{experimentId}' is a draft: start it before analysing it.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var data = await loader.LoadAsync(experiment, experiment.Model!, now, cancellationToken);
        var looks = await LooksAsync(experimentId, cancellationToken);
        var result = ExperimentAnalyzer.Analyze(AnalysisPlan.From(experiment), data, looks, now);
        var digest = Digest(data);

        var last = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == experimentId)
            .OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        if (last is not null && last.DataDigest == digest && result.Sequential.ThisLook is null)
        {
            return (last, ExperimentJson.Deserialize<ExperimentResult>(last.ResultJson), false);
        }

        var analysis = new ExperimentAnalysis
        {
            ExperimentId = experimentId,
            At = now,
            JobRunId = jobRunId,
            Verdict = result.Verdict,
            StillNeededPerVariant = result.StillNeededPerVariant,
            SrmMismatch = result.Srm?.Mismatch ?? false,
            SrmPValue = result.Srm?.PValue,
            InformationFraction = result.InformationFraction,
            Look = result.Sequential.ThisLook?.Look,
            PrimaryJson = ExperimentJson.Serialize(ExperimentAnalyzer.PrimaryPoints(result)),
            ResultJson = ExperimentJson.Serialize(result),
            DataDigest = digest,
        };
        db.ExperimentAnalyses.Add(analysis);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(analysis).State = EntityState.Detached;
        notifier.Publish(experiment.Model!.Name, ChangeName);
        return (analysis, result, true);
    }

    /// <summary>The sequential looks taken so far, oldest first.</summary>
    public async Task<IReadOnlyList<RecordedLook>> LooksAsync(string experimentId, CancellationToken cancellationToken)
    {
        var rows = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == experimentId && a.Look != null)
            .OrderBy(a => a.Look).Select(a => a.ResultJson).ToListAsync(cancellationToken);
        return rows.Select(r => ExperimentJson.Deserialize<ExperimentResult>(r).Sequential.ThisLook!).ToList();
    }

    /// <summary>Counts and sums per metric and arm (and the shadow pairs): equal digests mean the same data.</summary>
    public static string Digest(ExperimentData data)
    {
        var text = new StringBuilder();
        foreach (var (metric, arms) in data.Samples.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            foreach (var (arm, sample) in arms.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                var sum = sample.Values.Sum();
                var squares = sample.Values.Sum(v => v * v);
                var covariates = sample.Covariates.Sum(c => double.IsNaN(c) ? 0.5 : c);
                text.Append(CultureInfo.InvariantCulture, $"{metric}|{arm}|{sample.Values.Count}|{sum:R}|{squares:R}|{covariates:R};");
            }
        }

        foreach (var (arm, pairs) in data.ShadowPairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"shadow|{arm}|{pairs.Count}|{pairs.Count(p => p.Label is not null || p.LabelValue is not null)};");
        }

        foreach (var (variant, count) in data.UnknownVariants.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"unknown|{variant}|{count};");
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
