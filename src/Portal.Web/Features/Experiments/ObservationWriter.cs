using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Experiments;

/// <summary>A validated observation.</summary>
public sealed record ObservationRecord(string Metric, string UnitId, string Variant, double Value, double? Covariate, DateTime At);

/// <summary>
/// Checks and stores observations of POST /api/v1/experiments/{id}/observations:
/// <c>{"unitId": "u1", "variant": "control", "value": 1, "metric": "optional", "covariate": 0.5, "timestamp": "…"}</c>.
/// "metric" defaults to the primary metric (when it is an observation metric); conversion values must be 0 or 1;
/// "covariate" is the unit's pre-experiment value for CUPED. Stored per (experiment, metric, unit), last write wins.
/// </summary>
public sealed class ObservationWriter(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    private const int Chunk = 500;

    public static ObservationRecord? Validate(JsonElement item, Experiment experiment, long nowMs, ValidationProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("item", $"must be a JSON object, not {ItemFields.Describe(item)}.");
            return null;
        }

        var f = new ItemFields(item, problems);
        var unit = f.String("unitId", ExperimentObservation.UnitIdMaxLength, required: true);
        var variant = f.String("variant", ExperimentArm.NameMaxLength, required: true);
        var value = f.Number("value", required: true);
        var covariate = f.Number("covariate");
        var metricName = f.String("metric", ExperimentMetric.NameMaxLength);
        var at = f.Timestamp("timestamp", nowMs);

        var live = experiment.Arms.Where(a => !a.IsShadow).OrderBy(a => a.Position).Select(a => a.Name).ToList();
        if (variant is not null && !live.Contains(variant))
        {
            var shadow = experiment.Arms.Any(a => a.IsShadow && a.Name == variant);
            f.Error("variant", shadow
                ? $"'{variant}' is a shadow arm: it gets no traffic and no observations."
                : $"'{variant}' is not an arm of experiment '{experiment.Id}' (arms: {string.Join(", ", live)}).");
        }

        var observationMetrics = experiment.Metrics.Where(m => MetricKinds.FromObservations(m.Kind)).OrderBy(m => m.Position).ToList();
        ExperimentMetric? metric;
        if (metricName is null)
        {
            metric = experiment.Metrics.FirstOrDefault(m => m.Role == MetricRole.Primary && MetricKinds.FromObservations(m.Kind));
            if (metric is null && !f.TryGet("metric", out _))
            {
                f.Error("metric", observationMetrics.Count == 0
                    ? $"experiment '{experiment.Id}' has no observation metrics (its metrics come from predictions)."
                    : $"is required: the primary metric comes from predictions; name one of {string.Join(", ", observationMetrics.Select(m => m.Name))}.");
            }
        }
        else
        {
            metric = experiment.Metrics.FirstOrDefault(m => m.Name == metricName);
            if (metric is null)
            {
                f.Error("metric", $"'{metricName}' is not a metric of experiment '{experiment.Id}'{(observationMetrics.Count > 0 ? $" (observation metrics: {string.Join(", ", observationMetrics.Select(m => m.Name))})" : "")}.");
            }
            else if (!MetricKinds.FromObservations(metric.Kind))
            {
                f.Error("metric", $"'{metricName}' is computed from the model's predictions ({MetricKinds.Describe(metric.Kind)}), not from observations.");
                metric = null;
            }
        }

        if (metric?.Kind == MetricKind.Conversion && value is { } v && v is not (0 or 1))
        {
            f.Error("value", $"'{metric.Name}' is a conversion metric: the value must be 0 or 1, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        return !problems.IsEmpty || unit is null || variant is null || value is null || metric is null
            ? null
            : new ObservationRecord(metric.Name, unit, variant, value.Value, covariate, DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime);
    }

    /// <summary>Inserts or replaces the observations (a repeat within the batch: the later item wins).</summary>
    public async Task<int> UpsertAsync(string experimentId, IReadOnlyList<ObservationRecord> records, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<(string Metric, string Unit), ObservationRecord>();
        foreach (var r in records)
        {
            latest[(r.Metric, r.UnitId)] = r;
        }

        for (var attempt = 1; ; attempt++)
        {
            // A fresh context per attempt: the retry reads again what a failed attempt had tracked.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            try
            {
                await WriteAsync(db, experimentId, latest.Values, cancellationToken);
                return records.Count;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another request inserted one of these units first: read again and update instead.
            }
        }
    }

    private async Task WriteAsync(PortalDbContext db, string experimentId, IEnumerable<ObservationRecord> records, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var byMetric in records.GroupBy(r => r.Metric))
        {
            var metric = byMetric.Key;
            foreach (var chunk in byMetric.Chunk(Chunk))
            {
                var units = chunk.Select(r => r.UnitId).ToList();
                var existing = await db.ExperimentObservations
                    .Where(o => o.ExperimentId == experimentId && o.Metric == metric && units.Contains(o.UnitId))
                    .ToDictionaryAsync(o => o.UnitId, StringComparer.Ordinal, cancellationToken);
                foreach (var r in chunk)
                {
                    if (!existing.TryGetValue(r.UnitId, out var row))
                    {
                        row = new ExperimentObservation { ExperimentId = experimentId, Metric = metric, UnitId = r.UnitId, Variant = r.Variant };
                        db.ExperimentObservations.Add(row);
                    }

                    row.Variant = r.Variant;
                    row.Value = r.Value;
                    row.Covariate = r.Covariate;
                    row.At = r.At;
                    row.ReceivedAt = now;
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
