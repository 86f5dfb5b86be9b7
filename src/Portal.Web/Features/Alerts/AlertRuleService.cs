using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Provisioning;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Realtime;

namespace Portal.Web.Features.Alerts;

/// <summary>A rule as listed.</summary>
public sealed record AlertRuleRow(
    int Id, string Name, string? Model, AlertMetric Metric, string Condition, string For, string Severity, bool Enabled, string? Runbook, int Channels);

/// <summary>A preview for one model: the metric each minute, the alert's replay, and when it would have fired.</summary>
public sealed record ModelPreview(string Model, IReadOnlyList<MetricPoint> Series, AlertPreviewResult Result);

/// <summary>The alert-fatigue check: how often the rule would have fired over the last 24 hours, per model.</summary>
public sealed record RulePreview(IReadOnlyList<ModelPreview> Models, int TimesFired, string Summary);

/// <summary>Creates, validates, previews and deletes alert rules; every change is audited.</summary>
public sealed class AlertRuleService(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, TimeProvider time, IModelChangeNotifier notifier, ProvisioningGuard provisioning)
{
    public const string EntityType = "AlertRule";
    public static readonly TimeSpan PreviewSpan = TimeSpan.FromHours(24);
    public static readonly TimeSpan PreviewStep = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<AlertRuleRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().OrderBy(r => r.Name).ThenBy(r => r.Severity).ToListAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var runbooks = await db.Runbooks.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Title, cancellationToken);
        return rules.Select(r => new AlertRuleRow(
            r.Id, r.Name, r.ModelId is { } m ? models.GetValueOrDefault(m) : null, r.Metric, Condition(r), Durations.FormatSeconds(r.ForSeconds),
            r.Severity, r.Enabled, r.RunbookId is { } b ? runbooks.GetValueOrDefault(b) : null,
            JsonSerializer.Deserialize<List<int>>(r.ChannelIdsJson)!.Count)).ToList();
    }

    public static string Condition(AlertRuleEntity r)
    {
        var rule = ToAnalysisRule(r);
        var feature = r.Feature is { Length: > 0 } f ? $"({f})" : "";
        return $"{MetricName(r.Metric)}{feature} {rule.Symbol} {r.Threshold.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} over {Durations.FormatSeconds(r.WindowSeconds)}";
    }

    public static string MetricName(AlertMetric metric) => metric switch
    {
        AlertMetric.ErrorRate => "error rate",
        AlertMetric.LatencyP50 => "latency p50 (ms)",
        AlertMetric.LatencyP95 => "latency p95 (ms)",
        AlertMetric.LatencyP99 => "latency p99 (ms)",
        AlertMetric.RequestRate => "requests per minute",
        AlertMetric.Accuracy => "accuracy",
        AlertMetric.F1 => "F1",
        AlertMetric.Auc => "AUC",
        AlertMetric.Mae => "MAE",
        AlertMetric.Rmse => "RMSE",
        AlertMetric.DatasetDriftShare => "dataset drift share",
        AlertMetric.FeatureDriftScore => "feature drift score",
        AlertMetric.PredictionPsi => "prediction PSI",
        AlertMetric.LowConfidenceRate => "low-confidence rate",
        AlertMetric.MissingRate => "missing-value rate",
        AlertMetric.OutOfRangeRate => "out-of-range rate",
        AlertMetric.NewCategoryRate => "new-category rate",
        AlertMetric.SchemaViolationRate => "schema-violation rate",
        AlertMetric.SloBurnRate => "SLO burn rate",
        AlertMetric.PossibleDriftEvents => "possible-drift events (streaming detectors)",
        AlertMetric.EstimatedAccuracy => "estimated accuracy (no labels)",
        AlertMetric.EstimatedF1 => "estimated F1 (no labels)",
        AlertMetric.EstimatedPrecision => "estimated precision (no labels)",
        AlertMetric.EstimatedRecall => "estimated recall (no labels)",
        AlertMetric.EstimatedAuc => "estimated AUC (no labels)",
        AlertMetric.FairnessDisparity => "fairness disparity ratio (min/max)",
        AlertMetric.PcaReconstructionError => "multivariate drift: PCA reconstruction error",
        AlertMetric.MmdPValue => "multivariate drift: MMD p-value",
        _ => "failed job runs",
    };

    public async Task<AlertRuleEntity?> FindAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    public async Task<AlertRuleForm?> GetFormAsync(int id, CancellationToken cancellationToken = default)
    {
        var rule = await FindAsync(id, cancellationToken);
        if (rule is null)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var model = rule.ModelId is { } m ? await db.Models.Where(x => x.Id == m).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken) : null;
        return AlertRuleForm.From(rule, model);
    }

    /// <summary>Every problem with the form, by field (name, model, threshold, window, for, …); empty when it is valid.</summary>
    public async Task<ValidationProblems> ValidateAsync(AlertRuleForm form, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var errors = new ValidationProblems();
        var name = form.Name.Trim();
        if (name.Length == 0)
        {
            errors.Add("name", "Give the rule a name, e.g. HighErrorRate.");
        }
        else if (name.Length > AlertRuleEntity.NameMaxLength)
        {
            errors.Add("name", $"At most {AlertRuleEntity.NameMaxLength} characters.");
        }
        else
        {
            var severity = form.Severity.ToString();
            if (await db.AlertRules.AnyAsync(r => r.Name == name && r.Severity == severity && r.Id != (form.Id ?? 0), cancellationToken))
            {
                errors.Add("name", $"A {severity.ToLowerInvariant()} rule named \"{name}\" exists already (a name may have one rule per severity).");
            }
        }

        MlModel? model = null;
        if (!string.IsNullOrWhiteSpace(form.Model))
        {
            model = await ModelLookup.WithFeaturesAsync(db, form.Model, cancellationToken);
            if (model is null)
            {
                errors.Add("model", $"There is no model \"{form.Model}\".");
            }
        }

        if (!Enum.IsDefined(form.Metric))
        {
            errors.Add("metric", "Choose a metric.");
        }

        if (form.Metric == AlertMetric.FeatureDriftScore)
        {
            if (string.IsNullOrWhiteSpace(form.Feature))
            {
                errors.Add("feature", "The feature drift score needs a feature.");
            }
            else if (model is not null && model.Features.Count > 0 && model.Features.All(f => f.Name != form.Feature))
            {
                errors.Add("feature", $"Model \"{model.Name}\" has no feature \"{form.Feature}\".");
            }
        }

        if (form.Metric == AlertMetric.FairnessDisparity && !string.IsNullOrWhiteSpace(form.Feature)
            && model is not null && model.Features.Count > 0 && model.Features.All(f => f.Name != form.Feature.Trim()))
        {
            errors.Add("feature", $"Model \"{model.Name}\" has no feature \"{form.Feature}\" to use as sensitive attribute.");
        }

        if (!double.IsFinite(form.Threshold))
        {
            errors.Add("threshold", "Must be a number.");
        }
        else if (AlertRuleForm.IsFraction(form.Metric) && form.Threshold is < 0 or > 1)
        {
            errors.Add("threshold", $"The {MetricName(form.Metric)} is a fraction between 0 and 1 (e.g. 0.05 for 5 %).");
        }
        else if (!AlertRuleForm.IsFraction(form.Metric) && form.Threshold < 0)
        {
            errors.Add("threshold", $"The {MetricName(form.Metric)} is never negative.");
        }

        Duration(form.Window, "window", TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), "the metric is computed over at least 1m and at most 7d");
        Duration(form.For, "for", TimeSpan.Zero, TimeSpan.FromDays(7), "0s fires at once; at most 7d");
        Duration(form.KeepFiringFor, "keepFiringFor", TimeSpan.Zero, TimeSpan.FromDays(7), "0s resolves at once; at most 7d");
        Duration(form.RepeatInterval, "repeatInterval", TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), "between 1m and 30d");
        if (!Enum.IsDefined(form.Severity))
        {
            errors.Add("severity", "Choose info, warning or critical.");
        }

        if (!Enum.IsDefined(form.NoData))
        {
            errors.Add("noData", "Choose resolve, keepState or alert.");
        }

        form.ParseLabels(errors);
        if (form.RunbookId is { } runbook && !await db.Runbooks.AnyAsync(r => r.Id == runbook, cancellationToken))
        {
            errors.Add("runbookId", "That runbook no longer exists.");
        }

        var channels = await db.NotificationChannels.Where(c => form.ChannelIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        if (form.ChannelIds.Except(channels).Any())
        {
            errors.Add("channelIds", "A chosen channel no longer exists.");
        }

        return errors;

        void Duration(string text, string field, TimeSpan min, TimeSpan max, string rule)
        {
            if (!Durations.TryParse(text, out var span))
            {
                errors.Add(field, $"\"{text}\" is not a duration: write e.g. 30s, 5m, 1h or 1h30m.");
            }
            else if (span < min || span > max)
            {
                errors.Add(field, $"{Durations.Format(span)} is out of range: {rule}.");
            }
        }
    }

    /// <summary>Validates and saves; throws <see cref="InputValidationException"/> naming every bad field.</summary>
    public async Task<AlertRuleEntity> SaveAsync(AlertRuleForm form, CancellationToken cancellationToken = default)
    {
        (await ValidateAsync(form, cancellationToken)).ThrowIfAny();

        if (form.Id is { } editing)
        {
            await provisioning.EnsureWritableAsync(ProvisionedKinds.AlertRule, editing.ToString(), cancellationToken);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        AlertRuleEntity? rule = null;
        object? before = null;
        if (form.Id is { } id)
        {
            rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
                   ?? throw new AnalysisInputException("id", $"There is no rule {id}.");
            RefuseSloRule(rule);
            before = Snapshot(rule);
        }

        rule ??= new AlertRuleEntity { Name = "", CreatedAt = now };
        var modelId = string.IsNullOrWhiteSpace(form.Model) ? (int?)null : await db.Models.Where(m => m.Name == form.Model).Select(m => m.Id).FirstAsync(cancellationToken);
        Apply(rule, form, modelId);
        rule.UpdatedAt = now;
        if (rule.Id == 0)
        {
            db.AlertRules.Add(rule);
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, before is null ? AuditActions.Create : AuditActions.Update, EntityType, rule.Id.ToString(), before, Snapshot(rule), cancellationToken);
        notifier.Publish(form.Model ?? "*", "alerts");
        return rule;
    }

    /// <summary>
    /// Creates the rule, or changes the one with the same name and severity (the rule's identity), keeping its id:
    /// what provisioning from files calls.
    /// </summary>
    public async Task<AlertRuleEntity> UpsertByNameAsync(AlertRuleForm form, CancellationToken cancellationToken = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var name = form.Name.Trim();
            var severity = form.Severity.ToString();
            form.Id = await db.AlertRules.Where(r => r.Name == name && r.Severity == severity).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return await SaveAsync(form, cancellationToken);
    }

    /// <summary>Enables or disables a rule (audited); null when there is no such rule.</summary>
    public async Task<AlertRuleEntity?> SetEnabledAsync(int id, bool enabled, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.AlertRule, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null || rule.Enabled == enabled)
        {
            return rule;
        }

        var before = Snapshot(rule);
        rule.Enabled = enabled;
        rule.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Update, EntityType, id.ToString(), before, Snapshot(rule), cancellationToken);
        notifier.Publish("*", "alerts");
        return rule;
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.AlertRule, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return false;
        }

        RefuseSloRule(rule);
        db.AlertRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, id.ToString(), Snapshot(rule), null, cancellationToken);
        return true;
    }

    /// <summary>The page and ticket rules of an SLO follow the SLO (Features/Slos/SloAlertRules): changed there, not here.</summary>
    private static void RefuseSloRule(AlertRuleEntity rule)
    {
        if (rule.SloId is { } slo)
        {
            throw new Infrastructure.Validation.ProblemException(StatusCodes.Status409Conflict, "Rule belongs to an SLO",
                $"Rule {rule.Id} is the {rule.SloAlert?.ToLowerInvariant()} alert of SLO {slo}; change or delete the SLO instead.");
        }
    }

    /// <summary>Copies the form onto the entity (the form must be valid).</summary>
    public static void Apply(AlertRuleEntity rule, AlertRuleForm form, int? modelId)
    {
        rule.Name = form.Name.Trim();
        rule.Description = string.IsNullOrWhiteSpace(form.Description) ? null : form.Description.Trim();
        rule.ModelId = modelId;
        rule.Metric = form.Metric;
        rule.Feature = form.Metric is AlertMetric.FeatureDriftScore or AlertMetric.FairnessDisparity && !string.IsNullOrWhiteSpace(form.Feature) ? form.Feature.Trim() : null;
        rule.Comparator = form.Comparator.ToString();
        rule.Threshold = form.Threshold;
        rule.WindowSeconds = Seconds(form.Window);
        rule.ForSeconds = Seconds(form.For);
        rule.KeepFiringForSeconds = Seconds(form.KeepFiringFor);
        rule.Severity = form.Severity.ToString();
        rule.NoData = form.NoData.ToString();
        rule.LabelsJson = JsonSerializer.Serialize(form.ParseLabels());
        rule.RepeatIntervalSeconds = Seconds(form.RepeatInterval);
        rule.RunbookId = form.RunbookId;
        rule.ChannelIdsJson = JsonSerializer.Serialize(form.ChannelIds.Distinct().Order().ToList());
        rule.Enabled = form.Enabled;
    }

    private static int Seconds(string text) => Durations.TryParse(text, out var span) ? (int)span.TotalSeconds : 0;

    public static AlertRule ToAnalysisRule(AlertRuleEntity rule) => new(
        rule.Name,
        Enum.Parse<Comparator>(rule.Comparator),
        rule.Threshold,
        TimeSpan.FromSeconds(rule.ForSeconds),
        Enum.Parse<AlertSeverity>(rule.Severity),
        TimeSpan.FromSeconds(rule.KeepFiringForSeconds),
        Enum.Parse<NoDataPolicy>(rule.NoData));

    /// <summary>
    /// Replays the (unsaved) rule over the last 24 hours, one evaluation a minute, on its model or on every model:
    /// how often it would have fired. The form must be valid.
    /// </summary>
    public async Task<RulePreview> PreviewAsync(AlertRuleForm form, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var metrics = new AlertMetricResolver(db);
        var models = string.IsNullOrWhiteSpace(form.Model)
            ? await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken)
            : await db.Models.AsNoTracking().Where(m => m.Name == form.Model).ToListAsync(cancellationToken);
        var rule = new AlertRuleEntity { Name = string.IsNullOrWhiteSpace(form.Name) ? "preview" : form.Name.Trim() };
        Apply(rule, form, null);
        if (form.Id is { } id && await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.SloId != null, cancellationToken) is { } slo)
        {
            rule = slo; // an SLO's page or ticket alert replays from the SLI history, as it is evaluated
        }
        var analysis = ToAnalysisRule(rule);
        var to = MinuteFloor(time.GetUtcNow());
        var from = to - PreviewSpan;
        var previews = new List<ModelPreview>();
        foreach (var model in models)
        {
            var series = await metrics.SeriesAsync(rule, model, from, to, PreviewStep, cancellationToken);
            previews.Add(new ModelPreview(model.Name, series, AlertPreview.Replay(analysis, series)));
        }

        var fired = previews.Sum(p => p.Result.TimesFired);
        var summary = previews.Count switch
        {
            0 => "No model to preview on yet.",
            1 => previews[0].Result.Summary,
            _ => $"Would have fired {fired} time{(fired == 1 ? "" : "s")} over the last 24 h across {previews.Count} models " +
                 $"({string.Join(", ", previews.Where(p => p.Result.TimesFired > 0).Select(p => $"{p.Model}: {p.Result.TimesFired}"))}).",
        };
        return new RulePreview(previews, fired, summary);
    }

    public static DateTimeOffset MinuteFloor(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds() / 60_000 * 60_000);

    private static object Snapshot(AlertRuleEntity r) => new
    {
        r.Name, r.ModelId, Metric = r.Metric.ToString(), r.Feature, r.Comparator, r.Threshold, r.WindowSeconds, r.ForSeconds,
        r.KeepFiringForSeconds, r.Severity, r.NoData, r.LabelsJson, r.RepeatIntervalSeconds, r.RunbookId, r.ChannelIdsJson, r.Enabled, r.Description,
    };
}
