using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// An experiment's definition as people edit it (the form) and as the API takes it (POST / PUT body, camelCase JSON).
/// Everything but the lifecycle; <see cref="ExperimentValidator"/> checks it.
/// </summary>
public sealed partial class ExperimentDraft
{
    /// <summary>
    /// An id made from a name, as the form proposes it: lower case, runs of anything but letters, digits, '.' and '_'
    /// become one '-', at most 64 characters ("Checkout v2 — EU" → "checkout-v2-eu").
    /// </summary>
    public static string IdFromName(string? name)
    {
        var id = NotIdCharacters().Replace((name ?? "").Trim().ToLowerInvariant(), "-").Trim('-', '.', '_');
        return id.Length <= 64 ? id : id[..64].TrimEnd('-', '.', '_');
    }

    /// <summary>Whether the experiment form has an input (or section) that shows the error of this field.</summary>
    public static bool HasFormField(string field) => FormField().IsMatch(field);

    [GeneratedRegex("[^a-z0-9._]+")]
    private static partial Regex NotIdCharacters();

    [GeneratedRegex(@"^(name|id|hypothesis|model|unitType|alpha|power|minimumDetectableEffect|baselineValue|baselineStdDev|looks|sequentialTuningParameter|analysisMode|correction|arms|metrics|arms\[\d+\]\.(name|modelVersion|share)|metrics\[\d+\]\.(name|kind|margin|bound|capPercentile))\z")]
    private static partial Regex FormField();

    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Hypothesis { get; set; }

    /// <summary>The model's name.</summary>
    public string Model { get; set; } = "";

    public string UnitType { get; set; } = "user";

    public List<ArmDraft> Arms { get; set; } = [];

    public List<MetricDraft> Metrics { get; set; } = [];

    public double Alpha { get; set; } = 0.05;

    public double Power { get; set; } = 0.8;

    /// <summary>Relative, in the primary metric's better direction (0.05 = 5 %).</summary>
    public double MinimumDetectableEffect { get; set; } = 0.05;

    public double? BaselineValue { get; set; }

    public double? BaselineStdDev { get; set; }

    public int Looks { get; set; } = 5;

    /// <summary>How the primary is read; new experiments are always valid (confidence sequences) so they may be watched.</summary>
    public ExperimentAnalysisMode AnalysisMode { get; set; } = ExperimentAnalysisMode.Sequential;

    /// <summary>N* of the confidence sequences (GrowthBook's sequentialTuningParameter).</summary>
    public double SequentialTuningParameter { get; set; } = 5000;

    /// <summary>Correction of the secondary metrics across arms × metrics.</summary>
    public MultipleTestingCorrection Correction { get; set; } = MultipleTestingCorrection.Holm;

    /// <summary>A new draft with a control and a treatment arm at 50/50 and a conversion primary metric.</summary>
    public static ExperimentDraft New() => new()
    {
        Arms =
        [
            new ArmDraft { Name = "control", Share = 50, IsControl = true },
            new ArmDraft { Name = "treatment", Share = 50 },
        ],
        Metrics = [new MetricDraft { Name = "conversion", Role = MetricRole.Primary, Kind = MetricKind.Conversion }],
        BaselineValue = 0.1,
    };

    public static ExperimentDraft From(Experiment e, string modelName) => new()
    {
        Id = e.Id,
        Name = e.Name,
        Hypothesis = e.Hypothesis,
        Model = modelName,
        UnitType = e.UnitType,
        Arms = e.Arms.OrderBy(a => a.Position).Select(a => new ArmDraft
        {
            Name = a.Name, ModelVersion = a.ModelVersion, Share = a.Share, IsControl = a.IsControl, IsShadow = a.IsShadow,
        }).ToList(),
        Metrics = e.Metrics.OrderBy(m => m.Position).Select(m => new MetricDraft
        {
            Name = m.Name, Role = m.Role, Kind = m.Kind, HigherIsBetter = m.HigherIsBetter, Bound = m.Bound, Margin = m.Margin, CapPercentile = m.CapPercentile,
        }).ToList(),
        Alpha = e.Alpha,
        Power = e.Power,
        MinimumDetectableEffect = e.MinimumDetectableEffect,
        BaselineValue = e.BaselineValue,
        BaselineStdDev = e.BaselineStdDev,
        Looks = e.Looks,
        AnalysisMode = e.AnalysisMode,
        SequentialTuningParameter = e.SequentialTuningParameter,
        Correction = e.Correction,
    };

    /// <summary>The primary metric, if exactly one is marked primary.</summary>
    [JsonIgnore]
    public MetricDraft? Primary => Metrics.Count(m => m.Role == MetricRole.Primary) == 1 ? Metrics.Single(m => m.Role == MetricRole.Primary) : null;

    /// <summary>Arms that get traffic (not shadow).</summary>
    [JsonIgnore]
    public IEnumerable<ArmDraft> LiveArms => Arms.Where(a => !a.IsShadow);

    /// <summary>Copies the definition onto the entity (arms and metrics replaced).</summary>
    public void ApplyTo(Experiment e, int modelId, long requiredPerVariant)
    {
        e.Name = Name.Trim();
        e.Hypothesis = string.IsNullOrWhiteSpace(Hypothesis) ? null : Hypothesis.Trim();
        e.ModelId = modelId;
        e.UnitType = UnitType.Trim();
        e.Alpha = Alpha;
        e.Power = Power;
        e.MinimumDetectableEffect = MinimumDetectableEffect;
        e.BaselineValue = BaselineValue;
        e.BaselineStdDev = BaselineStdDev;
        e.Looks = Looks;
        e.AnalysisMode = AnalysisMode;
        e.SequentialTuningParameter = SequentialTuningParameter;
        e.Correction = Correction;
        e.RequiredPerVariant = requiredPerVariant;
        e.Arms.Clear();
        e.Arms.AddRange(Arms.Select((a, i) => new ExperimentArm
        {
            ExperimentId = e.Id, Position = i, Name = a.Name.Trim(), ModelVersion = a.ModelVersion.Trim(),
            Share = a.IsShadow ? 0 : a.Share, IsControl = a.IsControl, IsShadow = a.IsShadow,
        }));
        e.Metrics.Clear();
        e.Metrics.AddRange(Metrics.Select((m, i) => new ExperimentMetric
        {
            ExperimentId = e.Id, Position = i, Name = m.Name.Trim(), Role = m.Role, Kind = m.Kind,
            HigherIsBetter = m.HigherIsBetter ?? MetricKinds.DefaultHigherIsBetter(m.Kind), Bound = m.Role == MetricRole.Guardrail ? m.Bound : null,
            Margin = m.Role == MetricRole.Guardrail ? m.Margin : null, CapPercentile = m.CapPercentile,
        }));
    }
}

public sealed class ArmDraft
{
    /// <summary>The variant name clients send and assignment answers.</summary>
    public string Name { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    /// <summary>Percentage of traffic; ignored (0) for shadow arms.</summary>
    public double Share { get; set; }

    [JsonPropertyName("control")]
    public bool IsControl { get; set; }

    [JsonPropertyName("shadow")]
    public bool IsShadow { get; set; }
}

public sealed class MetricDraft
{
    public string Name { get; set; } = "";

    public MetricRole Role { get; set; }

    public MetricKind Kind { get; set; }

    /// <summary>Null: the kind's usual direction (conversion, values and accuracy up; errors and latency down).</summary>
    public bool? HigherIsBetter { get; set; }

    /// <summary>Guardrails: the treatment must stay below it (lower is better) or above it (higher is better).</summary>
    public double? Bound { get; set; }

    /// <summary>Guardrails: at most this much worse than control, relative (0.1 = 10 %).</summary>
    public double? Margin { get; set; }

    /// <summary>Cap (winsorise) each unit's value at this percentile of all units, e.g. 99; null = no capping.</summary>
    public double? CapPercentile { get; set; }

    [JsonIgnore]
    public bool BetterUp => HigherIsBetter ?? MetricKinds.DefaultHigherIsBetter(Kind);
}
