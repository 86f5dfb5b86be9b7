using Portal.Analysis.Drift;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>The editable state of the drift settings page, converted from and to <see cref="DriftSettingsView"/>.</summary>
public sealed class DriftSettingsForm
{
    public string Cron { get; set; } = DriftSettings.DefaultCron;

    public bool Enabled { get; set; } = true;

    public DriftWindow Window { get; set; }

    /// <summary>First UTC day of a fixed window.</summary>
    public DateTime? FixedFrom { get; set; }

    /// <summary>Last UTC day of a fixed window (inclusive).</summary>
    public DateTime? FixedTo { get; set; }

    public double DriftShare { get; set; } = DriftSettings.DefaultDriftShare;

    public int MinSampleSize { get; set; } = DriftSettings.DefaultMinSampleSize;

    /// <summary>Control false discoveries across features (Benjamini–Hochberg) for the p-value tests.</summary>
    public bool BenjaminiHochberg { get; set; }

    public List<FeatureRow> Features { get; } = [];

    public List<SeverityRow> Severity { get; } = [];

    public sealed class FeatureRow(ModelFeature feature)
    {
        public string Name => feature.Name;

        public FeatureType Type => feature.Type;

        public double? Importance => feature.Importance;

        /// <summary>"" = automatic.</summary>
        public string Test { get; set; } = "";

        public double? Threshold { get; set; }

        public IEnumerable<string> Tests => DriftTestIds.All.Where(t => DriftTestIds.Supports(t, Type == FeatureType.Numerical ? ColumnType.Numerical : ColumnType.Categorical));

        /// <summary>What the threshold means for the chosen test.</summary>
        public string ThresholdHint => Test == "" ? "automatic test: its default" : $"default {DriftTestIds.DefaultThreshold(Test)}{(DriftTestIds.IsPValueTest(Test) ? " (p-value)" : "")}";
    }

    public sealed class SeverityRow(string test, SeverityThresholds thresholds)
    {
        public string Test => test;

        public double Info { get; set; } = thresholds.Info;

        public double Warning { get; set; } = thresholds.Warning;

        public double Critical { get; set; } = thresholds.Critical;

        public string Measure => DriftSeverityRules.SmallerIsWorse(test) ? "p-value (smaller is worse)" : test == DriftTestIds.Ks ? "statistic" : DriftTestIds.ScoreField(test);
    }

    public static DriftSettingsForm From(DriftSettingsView view, MlModel model)
    {
        var form = new DriftSettingsForm
        {
            Cron = view.Cron,
            Enabled = view.Enabled,
            Window = view.Window,
            FixedFrom = view.FixedStart?.Date,
            FixedTo = view.FixedEnd is { } end ? (end.TimeOfDay == TimeSpan.Zero ? end.AddDays(-1) : end).Date : null,
            DriftShare = view.DriftShare,
            MinSampleSize = view.MinSampleSize,
            BenjaminiHochberg = view.BenjaminiHochberg,
        };
        foreach (var feature in model.Features.OrderBy(f => f.Ordinal))
        {
            var setting = view.Features.GetValueOrDefault(feature.Name);
            form.Features.Add(new FeatureRow(feature) { Test = setting?.Test ?? "", Threshold = setting?.Threshold });
        }

        foreach (var test in DriftTestIds.All)
        {
            form.Severity.Add(new SeverityRow(test, view.Severity.GetValueOrDefault(test) ?? DriftSeverityRules.DefaultThresholds[test]));
        }

        return form;
    }

    public DriftSettingsView ToView() => new(
        Cron,
        Enabled,
        Window,
        Window == DriftWindow.Fixed && FixedFrom is { } from ? DateTime.SpecifyKind(from.Date, DateTimeKind.Utc) : null,
        Window == DriftWindow.Fixed && FixedTo is { } to ? DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc) : null,
        DriftShare,
        MinSampleSize,
        Features.Where(f => f.Test != "" || f.Threshold is not null)
            .ToDictionary(f => f.Name, f => new FeatureDriftSetting(f.Test == "" ? null : f.Test, f.Threshold), StringComparer.Ordinal),
        Severity.ToDictionary(s => s.Test, s => new SeverityThresholds(s.Info, s.Warning, s.Critical)),
        BenjaminiHochberg);
}
