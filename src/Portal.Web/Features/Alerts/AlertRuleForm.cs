using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

/// <summary>An alert rule as the form (and the REST API) edits it: durations as text ("5m"), labels as "k=v" lines.</summary>
public sealed partial class AlertRuleForm
{
    public int? Id { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>The model's name, or null / empty for every model.</summary>
    public string? Model { get; set; }

    public AlertMetric Metric { get; set; } = AlertMetric.ErrorRate;

    public string? Feature { get; set; }

    public Comparator Comparator { get; set; } = Comparator.GreaterThan;

    public double Threshold { get; set; } = 0.05;

    public string Window { get; set; } = "5m";

    public string For { get; set; } = "5m";

    public string KeepFiringFor { get; set; } = "0s";

    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;

    /// <summary>What an evaluation without data does: resolve (Prometheus), keep the state, or alert.</summary>
    public NoDataPolicy NoData { get; set; } = NoDataPolicy.Resolve;

    /// <summary>One label a line: <c>team=ml</c>.</summary>
    public string Labels { get; set; } = "";

    public string RepeatInterval { get; set; } = "4h";

    public int? RunbookId { get; set; }

    public List<int> ChannelIds { get; set; } = [];

    public bool Enabled { get; set; } = true;

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*\\z")]
    public static partial Regex LabelName();

    /// <summary>Metrics that are fractions of rows (0..1), so a threshold outside [0, 1] can never be met sensibly.</summary>
    public static bool IsFraction(AlertMetric metric) => metric is AlertMetric.ErrorRate or AlertMetric.Accuracy or AlertMetric.F1
        or AlertMetric.Auc or AlertMetric.DatasetDriftShare or AlertMetric.LowConfidenceRate or AlertMetric.MissingRate
        or AlertMetric.OutOfRangeRate or AlertMetric.NewCategoryRate or AlertMetric.SchemaViolationRate
        or AlertMetric.EstimatedAccuracy or AlertMetric.EstimatedF1 or AlertMetric.EstimatedPrecision or AlertMetric.EstimatedRecall or AlertMetric.EstimatedAuc
        or AlertMetric.FairnessDisparity
        or AlertMetric.MmdPValue;

    /// <summary>Parses <see cref="Labels"/>; errors go to <paramref name="errors"/> under "labels".</summary>
    public Dictionary<string, string> ParseLabels(ValidationProblems? errors = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = Labels.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var eq = lines[i].IndexOf('=');
            var name = eq > 0 ? lines[i][..eq].Trim() : "";
            if (eq <= 0 || !LabelName().IsMatch(name))
            {
                errors?.Add("labels", $"Line {i + 1} \"{lines[i]}\" is not name=value with a name of letters, digits and _ (not starting with a digit).");
                continue;
            }

            if (name is AlertIdentity.RuleLabel or AlertIdentity.ModelLabel or AlertIdentity.SeverityLabel or AlertEvaluator.AlertNameLabel or AlertEvaluator.MetricLabel)
            {
                errors?.Add("labels", $"Line {i + 1}: \"{name}\" is set by the portal; choose another label name.");
                continue;
            }

            if (!labels.TryAdd(name, lines[i][(eq + 1)..].Trim()))
            {
                errors?.Add("labels", $"Line {i + 1}: the label \"{name}\" is given twice.");
            }
        }

        return labels;
    }

    public static AlertRuleForm From(AlertRuleEntity rule, string? model) => new()
    {
        Id = rule.Id,
        Name = rule.Name,
        Description = rule.Description,
        Model = model,
        Metric = rule.Metric,
        Feature = rule.Feature,
        Comparator = Enum.Parse<Comparator>(rule.Comparator),
        Threshold = rule.Threshold,
        Window = Durations.FormatSeconds(rule.WindowSeconds),
        For = Durations.FormatSeconds(rule.ForSeconds),
        KeepFiringFor = Durations.FormatSeconds(rule.KeepFiringForSeconds),
        Severity = Enum.Parse<AlertSeverity>(rule.Severity),
        NoData = Enum.Parse<NoDataPolicy>(rule.NoData),
        Labels = string.Join('\n', JsonSerializer.Deserialize<Dictionary<string, string>>(rule.LabelsJson)!.Select(kv => $"{kv.Key}={kv.Value}")),
        RepeatInterval = Durations.FormatSeconds(rule.RepeatIntervalSeconds),
        RunbookId = rule.RunbookId,
        ChannelIds = JsonSerializer.Deserialize<List<int>>(rule.ChannelIdsJson)!,
        Enabled = rule.Enabled,
    };

    public AlertRuleForm Clone()
    {
        var copy = (AlertRuleForm)MemberwiseClone();
        copy.ChannelIds = [.. ChannelIds];
        return copy;
    }
}
