using System.Text.RegularExpressions;
using Portal.Analysis.Common;
using Portal.Data.Entities;
using Portal.Data.Entities.Experiments;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Experiments;

/// <summary>Every problem of a definition at once, by field ("arms[1].share"), so a form or client can fix them all.</summary>
public sealed class ExperimentValidationException(IReadOnlyDictionary<string, string[]> errors)
    : InputValidationException(errors, "Invalid experiment", "The experiment is not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

/// <summary>Checks an <see cref="ExperimentDraft"/>: ids, arms and split, metrics, plan inputs.</summary>
public static partial class ExperimentValidator
{
    public static readonly IReadOnlyList<string> UnitTypes = ["user", "session", "device", "account", "request"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    public static partial Regex Slug();

    /// <summary>Problems by field; empty when the draft is valid. <paramref name="task"/> is null when the model does not exist.</summary>
    public static Dictionary<string, string[]> Validate(ExperimentDraft d, ModelTaskType? task)
    {
        var problems = new ValidationProblems();
        void Add(string field, string message) => problems.Add(field, message);

        if (!Slug().IsMatch(d.Id ?? ""))
        {
            Add("id", "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (clients hard-code it).");
        }

        if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Trim().Length > Experiment.NameMaxLength)
        {
            Add("name", $"is required, at most {Experiment.NameMaxLength} characters.");
        }

        if (d.Hypothesis?.Length > Experiment.HypothesisMaxLength)
        {
            Add("hypothesis", $"at most {Experiment.HypothesisMaxLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(d.Model))
        {
            Add("model", "is required.");
        }
        else if (task is null)
        {
            Add("model", $"there is no model '{d.Model}'.");
        }

        if (string.IsNullOrWhiteSpace(d.UnitType) || d.UnitType.Trim().Length > Experiment.UnitTypeMaxLength)
        {
            Add("unitType", $"is required (e.g. {string.Join(", ", UnitTypes)}), at most {Experiment.UnitTypeMaxLength} characters.");
        }

        ValidateArms(d, Add);
        ValidateMetrics(d, task, Add);

        if (d.Looks is < 1 or > 10)
        {
            Add("looks", "must be between 1 (one analysis at the planned sample) and 10.");
        }

        if (!Enum.IsDefined(d.AnalysisMode))
        {
            Add("analysisMode", "must be fixedHorizon, sequential (always valid) or groupSequential (O'Brien–Fleming).");
        }

        if (!Enum.IsDefined(d.Correction))
        {
            Add("correction", "must be holm or benjaminiHochberg.");
        }

        if (!(d.SequentialTuningParameter >= 10 && d.SequentialTuningParameter <= 1e9))
        {
            Add("sequentialTuningParameter", "must be between 10 and 10⁹ units (both arms); 5000 is GrowthBook's default.");
        }

        if (!problems.Paths.Any(k => k.StartsWith("metrics", StringComparison.Ordinal)))
        {
            try
            {
                ExperimentPlanner.RequiredPerVariant(d);
            }
            catch (AnalysisInputException e)
            {
                problems.Add(e);
            }
        }

        return problems.ToDictionary();
    }

    private static void ValidateArms(ExperimentDraft d, Action<string, string> add)
    {
        if (d.Arms is null || d.Arms.Count < 2)
        {
            add("arms", "at least two arms are needed: a control and a treatment.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.Arms.Count; i++)
        {
            var a = d.Arms[i];
            var field = $"arms[{i}]";
            if (!Slug().IsMatch(a.Name ?? ""))
            {
                add($"{field}.name", "1 to 64 letters, digits, '.', '_' or '-' (the variant name clients send).");
            }
            else if (!names.Add(a.Name!))
            {
                add($"{field}.name", $"'{a.Name}' is used by another arm.");
            }

            if (string.IsNullOrWhiteSpace(a.ModelVersion) || a.ModelVersion.Trim().Length > ModelVersion.VersionMaxLength)
            {
                add($"{field}.modelVersion", $"is required, at most {ModelVersion.VersionMaxLength} characters.");
            }

            if (a.IsShadow && a.IsControl)
            {
                add($"{field}.shadow", "the control arm cannot be a shadow arm.");
            }
            else if (!a.IsShadow && !(a.Share > 0 && a.Share < 100))
            {
                add($"{field}.share", "must be a percentage above 0 and below 100.");
            }
        }

        var controls = d.Arms.Count(a => a.IsControl);
        if (controls != 1)
        {
            add("arms", $"exactly one arm must be the control, {controls} are.");
        }

        if (!d.Arms.Any(a => !a.IsControl && !a.IsShadow))
        {
            add("arms", "at least one treatment arm (not control, not shadow) is needed.");
        }

        var total = d.Arms.Where(a => !a.IsShadow).Sum(a => a.Share);
        if (Math.Abs(total - 100) > 1e-6 && d.Arms.Where(a => !a.IsShadow).All(a => a.Share > 0))
        {
            add("arms", $"the shares of the live arms add up to {total:G6} %, not 100 %.");
        }

        var control = d.Arms.FirstOrDefault(a => a.IsControl);
        for (var i = 0; i < d.Arms.Count; i++)
        {
            if (d.Arms[i].IsShadow && control is not null && d.Arms[i].ModelVersion == control.ModelVersion)
            {
                add($"arms[{i}].modelVersion", "a shadow arm compares another version with production: it must differ from the control's version.");
            }
        }
    }

    private static void ValidateMetrics(ExperimentDraft d, ModelTaskType? task, Action<string, string> add)
    {
        if (d.Metrics is null || d.Metrics.Count == 0)
        {
            add("metrics", "a primary metric is required.");
            return;
        }

        var primaries = d.Metrics.Count(m => m.Role == MetricRole.Primary);
        if (primaries != 1)
        {
            add("metrics", $"exactly one metric must be primary, {primaries} are.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.Metrics.Count; i++)
        {
            var m = d.Metrics[i];
            var field = $"metrics[{i}]";
            if (!Slug().IsMatch(m.Name ?? ""))
            {
                add($"{field}.name", "1 to 64 letters, digits, '.', '_' or '-' (observations name it in \"metric\").");
            }
            else if (!names.Add(m.Name!))
            {
                add($"{field}.name", $"'{m.Name}' is used by another metric.");
            }

            if (!Enum.IsDefined(m.Kind) || !Enum.IsDefined(m.Role))
            {
                add(field, "unknown kind or role.");
                continue;
            }

            if (m.Role == MetricRole.Primary && MetricKinds.Statistic(m.Kind) == MetricStatistic.Quantile)
            {
                add($"{field}.kind", "a percentile cannot be the primary metric (no sample-size plan); use it as a guardrail or secondary metric.");
            }

            if (task == ModelTaskType.Regression && m.Kind == MetricKind.Accuracy)
            {
                add($"{field}.kind", "accuracy needs a classifier; this model is a regression model (use absoluteError).");
            }
            else if (task is ModelTaskType.Binary or ModelTaskType.Multiclass && m.Kind == MetricKind.AbsoluteError)
            {
                add($"{field}.kind", "absolute error needs a regression model; this model is a classifier (use accuracy).");
            }

            if (m.Role == MetricRole.Guardrail && m.Bound is null && m.Margin is null)
            {
                add($"{field}.bound", "a guardrail needs a margin relative to control (0.1 = at most 10 % worse) or an absolute bound (200 for \"latency p99 < 200 ms\").");
            }

            if (m.Bound is { } bound && !double.IsFinite(bound))
            {
                add($"{field}.bound", "must be a number.");
            }

            if (m.Margin is { } margin && !(margin >= 0 && margin <= 10))
            {
                add($"{field}.margin", "must be a relative degradation between 0 and 10 (0.1 = 10 % worse than control).");
            }

            if (m.CapPercentile is { } cap && (!(cap >= 50 && cap < 100) || MetricKinds.Statistic(m.Kind) != MetricStatistic.Mean))
            {
                add($"{field}.capPercentile", "capping applies to mean metrics (values, latency, absolute error) at a percentile in [50, 100), e.g. 99.");
            }
        }
    }
}
