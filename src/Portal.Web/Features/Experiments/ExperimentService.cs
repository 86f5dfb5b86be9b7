using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Experiments;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Experiments;

/// <summary>No experiment with this id (404).</summary>
public sealed class ExperimentNotFoundException(string id)
    : ProblemException(StatusCodes.Status404NotFound, "Unknown experiment", $"There is no experiment '{id}'.")
{
    public string ExperimentId { get; } = id;
}

/// <summary>A change the experiment's state does not allow (409), naming the field and the reason.</summary>
public sealed class ExperimentConflictException(string field, string message) : ProblemException(
    StatusCodes.Status409Conflict,
    "Not allowed in the experiment's state",
    message,
    new Dictionary<string, string[]> { [field] = [message] },
    new Dictionary<string, object?> { ["field"] = field })
{
    public string Field { get; } = field;

    public override string Detail => $"{Field}: {Message}";
}

/// <summary>An experiment as listed.</summary>
/// <summary>Requests a day, measured over <paramref name="Over"/> (the part of the last 24 h that has traffic).</summary>
public sealed record TrafficRate(double PerDay, TimeSpan Over);

public sealed record ExperimentSummary(string Id, string Name, string Model, ExperimentState State, string Arms, string PrimaryMetric, VerdictKind? Verdict, DateTime CreatedAt, DateTime? StartedAt, string CreatedBy);

/// <summary>
/// Creates, edits and moves experiments through Draft → Running → Stopped → Concluded, recording who and when
/// (<see cref="ExperimentLifecycleEvent"/>) and auditing every change. A running or stopped experiment keeps its
/// split, metrics and plan: only its name and hypothesis may change.
/// </summary>
public sealed class ExperimentService(
    IDbContextFactory<PortalDbContext> contexts,
    IAuditLog audit,
    CurrentUser currentUser,
    IRecurringJobManager jobs,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<ExperimentService> logger)
{
    public const string EntityType = "Experiment";

    public async Task<IReadOnlyList<ExperimentSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var experiments = await db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model)
            .AsSplitQuery().OrderByDescending(e => e.CreatedAt).ToListAsync(cancellationToken);
        var ids = experiments.Select(e => e.Id).ToList();
        var latest = await db.ExperimentAnalyses.AsNoTracking().Where(a => ids.Contains(a.ExperimentId))
            .GroupBy(a => a.ExperimentId).Select(g => g.OrderByDescending(a => a.Id).Select(a => new { a.ExperimentId, a.Verdict }).First())
            .ToListAsync(cancellationToken);
        var verdicts = latest.ToDictionary(v => v.ExperimentId, v => (VerdictKind?)v.Verdict);
        return experiments.Select(e => new ExperimentSummary(
            e.Id, e.Name, e.Model?.Name ?? "", e.State,
            string.Join(" / ", e.Arms.OrderBy(a => a.Position).Select(a => a.IsShadow ? $"{a.Name} ({a.ModelVersion}, shadow)" : $"{a.Name} ({a.ModelVersion}, {a.Share:0.##} %)")),
            e.Metrics.FirstOrDefault(m => m.Role == MetricRole.Primary)?.Name ?? "",
            verdicts.GetValueOrDefault(e.Id), e.CreatedAt, e.StartedAt, e.CreatedBy)).ToList();
    }

    /// <summary>The experiment with arms, metrics and model, untracked; null when there is none.</summary>
    public async Task<Experiment?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model)
            .AsSplitQuery().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<ExperimentLifecycleEvent>> LifecycleAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ExperimentLifecycleEvents.AsNoTracking().Where(e => e.ExperimentId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Every stored analysis as chart points (oldest first) and the latest result (null before the first analysis).</summary>
    public async Task<(IReadOnlyList<ExperimentCharts.AnalysisPoint> Points, ExperimentResult? Latest)> AnalysesAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderBy(a => a.Id)
            .Select(a => new { a.At, a.InformationFraction, a.Look, a.PrimaryJson }).ToListAsync(cancellationToken);
        var latest = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderByDescending(a => a.Id).Select(a => a.ResultJson).FirstOrDefaultAsync(cancellationToken);
        var points = rows.Select(r => new ExperimentCharts.AnalysisPoint(r.At, r.InformationFraction, r.Look, ExperimentJson.Deserialize<List<PrimaryPoint>>(r.PrimaryJson))).ToList();
        return (points, latest is null ? null : ExperimentJson.Deserialize<ExperimentResult>(latest));
    }

    /// <summary>The registered versions of a model (the arms' choices), in order.</summary>
    public async Task<IReadOnlyList<string>> ModelVersionsAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ModelVersions.AsNoTracking().Where(v => db.Models.Any(m => m.Id == v.ModelId && m.Name == model))
            .OrderBy(v => v.Version).Select(v => v.Version).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The model's traffic rate in requests a day: the per-minute rollups of the last 24 h over the time they cover, from
    /// the first minute with traffic to now (a model 9 minutes old is measured over its 9 minutes, not summed over a day);
    /// null without traffic.
    /// </summary>
    public async Task<TrafficRate?> TrafficRateAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modelId = await db.Models.AsNoTracking().Where(m => m.Name == model).Select(m => (int?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (modelId is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var since = now.AddHours(-24).ToUnixTimeMilliseconds();
        var rollups = db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= since);
        var count = await rollups.SumAsync(r => (long?)r.Count, cancellationToken) ?? 0;
        if (count == 0)
        {
            return null;
        }

        var first = DateTimeOffset.FromUnixTimeMilliseconds(await rollups.MinAsync(r => r.MinuteMs, cancellationToken));
        var over = TimeSpan.FromTicks(Math.Max((now - first).Ticks, TimeSpan.FromMinutes(1).Ticks));
        return new TrafficRate(count / over.TotalDays, over);
    }

    public async Task<Experiment> CreateAsync(ExperimentDraft draft, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (modelId, required) = await ValidateAsync(db, draft, cancellationToken);
        if (await db.Experiments.AnyAsync(e => e.Id == draft.Id, cancellationToken))
        {
            throw new ExperimentValidationException(new Dictionary<string, string[]> { ["id"] = [$"'{draft.Id}' is taken by another experiment."] });
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = await currentUser.NameAsync();
        var experiment = new Experiment { Id = draft.Id, Name = draft.Name, UnitType = draft.UnitType, CreatedBy = user, CreatedAt = now, UpdatedAt = now };
        draft.ApplyTo(experiment, modelId, required);
        db.Experiments.Add(experiment);
        db.ExperimentLifecycleEvents.Add(new ExperimentLifecycleEvent { ExperimentId = experiment.Id, From = null, To = ExperimentState.Draft, By = user, At = now, Note = "created" });
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, experiment.Id, null, Snapshot(draft, ExperimentState.Draft), cancellationToken);
        return experiment;
    }

    /// <summary>Replaces the definition of a draft; of a running or stopped experiment only the name and hypothesis.</summary>
    public async Task<Experiment> UpdateAsync(string id, ExperimentDraft draft, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var experiment = await db.Experiments.Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new ExperimentNotFoundException(id);
        if (string.IsNullOrEmpty(draft.Id))
        {
            draft.Id = id;
        }
        else if (draft.Id != id)
        {
            throw new ExperimentValidationException(new Dictionary<string, string[]> { ["id"] = ["cannot be changed (clients hard-code it); create a new experiment instead."] });
        }

        var before = ExperimentDraft.From(experiment, experiment.Model!.Name);
        if (experiment.State == ExperimentState.Concluded)
        {
            throw new ExperimentConflictException("state", $"Experiment '{id}' is concluded: its definition is part of the record and cannot change.");
        }

        var (modelId, required) = await ValidateAsync(db, draft, cancellationToken);
        if (experiment.State == ExperimentState.Draft)
        {
            draft.ApplyTo(experiment, modelId, required);
        }
        else
        {
            if (FirstLockedChange(before, draft) is { } change)
            {
                throw new ExperimentConflictException(change.Field, change.Reason.Replace("{state}", experiment.State.ToString().ToLowerInvariant(), StringComparison.Ordinal));
            }

            experiment.Name = draft.Name.Trim();
            experiment.Hypothesis = string.IsNullOrWhiteSpace(draft.Hypothesis) ? null : draft.Hypothesis.Trim();
        }

        experiment.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await audit.RecordAsync(db, AuditActions.Update, EntityType, id, Snapshot(before, experiment.State), Snapshot(draft, experiment.State), cancellationToken);
        return experiment;
    }

    /// <summary>Deletes a draft (started experiments are part of the record: conclude them instead).</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var experiment = await db.Experiments.Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new ExperimentNotFoundException(id);
        if (experiment.State != ExperimentState.Draft)
        {
            throw new ExperimentConflictException("state", $"Experiment '{id}' is {experiment.State.ToString().ToLowerInvariant()}: only drafts can be deleted; stop and conclude it instead.");
        }

        var before = Snapshot(ExperimentDraft.From(experiment, experiment.Model!.Name), experiment.State);
        db.Experiments.Remove(experiment);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, id, before, null, cancellationToken);
    }

    public Task<Experiment> StartAsync(string id, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, ExperimentState.Draft, ExperimentState.Running, null, cancellationToken);

    /// <summary>Stops the assignment's analysis schedule and runs a final analysis.</summary>
    public async Task<Experiment> StopAsync(string id, string? note = null, CancellationToken cancellationToken = default)
    {
        var experiment = await TransitionAsync(id, ExperimentState.Running, ExperimentState.Stopped, note, cancellationToken);
        try
        {
            await AnalyseNowAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The final analysis of experiment {Experiment} failed; the stored analyses stay as they were", id);
        }

        return experiment;
    }

    public Task<Experiment> ConcludeAsync(string id, string? conclusion, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, ExperimentState.Stopped, ExperimentState.Concluded, conclusion, cancellationToken);

    /// <summary>Analyses now in a scope of its own (recorded as a job run like the scheduled analyses).</summary>
    public async Task<(ExperimentAnalysis Analysis, ExperimentResult Result, bool Stored)> AnalyseNowAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var scopedDb = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var experiment = await scopedDb.Experiments.AsNoTracking().Include(e => e.Model).FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw new ExperimentNotFoundException(id);
        if (experiment.State == ExperimentState.Draft)
        {
            throw new ExperimentConflictException("state", $"Experiment '{id}' is a draft: start it before analysing it.");
        }

        return await scope.ServiceProvider.GetRequiredService<ExperimentAnalysisJob>().RunRecordedAsync(experiment, null, cancellationToken);
    }

    private async Task<Experiment> TransitionAsync(string id, ExperimentState from, ExperimentState to, string? note, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var experiment = await db.Experiments.Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new ExperimentNotFoundException(id);
        if (experiment.State != from)
        {
            throw new ExperimentConflictException("state", TransitionRefusal(id, experiment.State, to));
        }

        if (to == ExperimentState.Running)
        {
            // The definition may have been valid under other data (a deleted model version is fine; a plan is not).
            var (_, required) = await ValidateAsync(db, ExperimentDraft.From(experiment, experiment.Model!.Name), cancellationToken);
            experiment.RequiredPerVariant = required;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = await currentUser.NameAsync();
        experiment.State = to;
        experiment.UpdatedAt = now;
        switch (to)
        {
            case ExperimentState.Running:
                experiment.StartedAt = now;
                break;
            case ExperimentState.Stopped:
                experiment.StoppedAt = now;
                break;
            case ExperimentState.Concluded:
                experiment.ConcludedAt = now;
                experiment.Conclusion = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, Experiment.HypothesisMaxLength)];
                break;
        }

        db.ExperimentLifecycleEvents.Add(new ExperimentLifecycleEvent
        {
            ExperimentId = id, From = from, To = to, By = user, At = now,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, Experiment.HypothesisMaxLength)],
        });
        var action = to switch { ExperimentState.Running => "start", ExperimentState.Stopped => "stop", _ => "conclude" };
        await audit.RecordAsync(db, action, EntityType, id, new { state = from }, new { state = to, note }, cancellationToken);

        if (to == ExperimentState.Running)
        {
            ExperimentAnalysisJob.Schedule(jobs, id);
        }
        else
        {
            ExperimentAnalysisJob.Unschedule(jobs, id);
        }

        return experiment;
    }

    private static string TransitionRefusal(string id, ExperimentState state, ExperimentState to)
    {
        var now = state.ToString().ToLowerInvariant();
        return to switch
        {
            ExperimentState.Running => $"Experiment '{id}' is {now}: only a draft can be started (the lifecycle is draft → running → stopped → concluded).",
            ExperimentState.Stopped => $"Experiment '{id}' is {now}: only a running experiment can be stopped.",
            _ => state == ExperimentState.Running
                ? $"Experiment '{id}' is running: stop it before concluding it."
                : $"Experiment '{id}' is {now}: only a stopped experiment can be concluded.",
        };
    }

    private static async Task<(int ModelId, long Required)> ValidateAsync(PortalDbContext db, ExperimentDraft draft, CancellationToken cancellationToken)
    {
        var model = await db.Models.AsNoTracking().Where(m => m.Name == draft.Model).Select(m => new { m.Id, m.TaskType }).FirstOrDefaultAsync(cancellationToken);
        var errors = ExperimentValidator.Validate(draft, model?.TaskType);
        if (errors.Count > 0)
        {
            throw new ExperimentValidationException(errors);
        }

        return (model!.Id, ExperimentPlanner.RequiredPerVariant(draft));
    }

    /// <summary>The first change to a field that is fixed once the experiment started, with the reason.</summary>
    public static (string Field, string Reason)? FirstLockedChange(ExperimentDraft before, ExperimentDraft after)
    {
        const string Split = "the split is fixed once units are assigned: changing it reassigns units and breaks the sample-ratio check and every comparison";
        const string Metrics = "the metrics are fixed once the experiment started: changing them afterwards invalidates the analysis (and its false-positive guarantee)";
        const string Plan = "the plan (model, unit, alpha, power, MDE, baseline, looks) is fixed once the experiment started: the sample size and the sequential boundaries depend on it";
        static string Refuse(string why) => $"Experiment is {{state}}: {why}. Stop it and create a new experiment instead.";

        if (before.Arms.Count != after.Arms.Count) return ("arms", Refuse(Split));
        for (var i = 0; i < before.Arms.Count; i++)
        {
            var (a, b) = (before.Arms[i], after.Arms[i]);
            if (a.Name != b.Name.Trim()) return ($"arms[{i}].name", Refuse(Split));
            if (a.ModelVersion != b.ModelVersion.Trim()) return ($"arms[{i}].modelVersion", Refuse(Split));
            if (a.IsControl != b.IsControl) return ($"arms[{i}].control", Refuse(Split));
            if (a.IsShadow != b.IsShadow) return ($"arms[{i}].shadow", Refuse(Split));
            if (!a.IsShadow && a.Share != b.Share) return ($"arms[{i}].share", Refuse(Split));
        }

        if (before.Metrics.Count != after.Metrics.Count) return ("metrics", Refuse(Metrics));
        for (var i = 0; i < before.Metrics.Count; i++)
        {
            var (a, b) = (before.Metrics[i], after.Metrics[i]);
            if (a.Name != b.Name.Trim()) return ($"metrics[{i}].name", Refuse(Metrics));
            if (a.Role != b.Role) return ($"metrics[{i}].role", Refuse(Metrics));
            if (a.Kind != b.Kind) return ($"metrics[{i}].kind", Refuse(Metrics));
            if (a.BetterUp != b.BetterUp) return ($"metrics[{i}].higherIsBetter", Refuse(Metrics));
            if (a.Role == MetricRole.Guardrail && a.Bound != b.Bound) return ($"metrics[{i}].bound", Refuse(Metrics));
            if (a.Role == MetricRole.Guardrail && a.Margin != b.Margin) return ($"metrics[{i}].margin", Refuse(Metrics));
            if (a.CapPercentile != b.CapPercentile) return ($"metrics[{i}].capPercentile", Refuse(Metrics));
        }

        if (before.Model != after.Model) return ("model", Refuse(Plan));
        if (before.UnitType != after.UnitType.Trim()) return ("unitType", Refuse(Plan));
        if (before.Alpha != after.Alpha) return ("alpha", Refuse(Plan));
        if (before.Power != after.Power) return ("power", Refuse(Plan));
        if (before.MinimumDetectableEffect != after.MinimumDetectableEffect) return ("minimumDetectableEffect", Refuse(Plan));
        if (before.BaselineValue != after.BaselineValue) return ("baselineValue", Refuse(Plan));
        if (before.BaselineStdDev != after.BaselineStdDev) return ("baselineStdDev", Refuse(Plan));
        if (before.Looks != after.Looks) return ("looks", Refuse(Plan));
        if (before.AnalysisMode != after.AnalysisMode) return ("analysisMode", Refuse(Plan));
        if (before.SequentialTuningParameter != after.SequentialTuningParameter) return ("sequentialTuningParameter", Refuse(Plan));
        if (before.Correction != after.Correction) return ("correction", Refuse(Plan));
        return null;
    }

    private static object Snapshot(ExperimentDraft draft, ExperimentState state) => new { definition = draft, state };
}
