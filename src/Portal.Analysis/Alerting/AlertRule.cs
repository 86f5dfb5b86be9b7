using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>How a rule compares the metric value with its threshold.</summary>
public enum Comparator
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,

    /// <summary>Exact equality, as PromQL's <c>==</c>: meant for counts and flags (e.g. requests == 0).</summary>
    Equal,

    NotEqual,
}

/// <summary>How loud an alert is. A firing <see cref="Critical"/> inhibits lower severities of its rule and model.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>What an evaluation without a value (no data, or NaN) does.</summary>
public enum NoDataPolicy
{
    /// <summary>Prometheus' behaviour: no series means the condition does not hold (pending ends, firing resolves).</summary>
    Resolve,

    /// <summary>Nothing changes: no evidence either way, so a pending alert is neither promoted nor dropped.</summary>
    KeepState,

    /// <summary>Missing data is itself the problem (a model that stopped reporting): treated as the condition holding.</summary>
    Alert,
}

/// <summary>
/// An alert rule: the condition <c>value <see cref="Comparator"/> <see cref="Threshold"/></c> must hold for
/// <see cref="For"/> before the alert fires, and once firing it stays firing until the condition has been clear for
/// <see cref="KeepFiringFor"/> (Prometheus' <c>keep_firing_for</c>, which stops a noisy metric from flapping).
/// </summary>
public sealed record AlertRule(
    string Id,
    Comparator Comparator,
    double Threshold,
    TimeSpan For,
    AlertSeverity Severity = AlertSeverity.Warning,
    TimeSpan KeepFiringFor = default,
    NoDataPolicy NoData = NoDataPolicy.Resolve)
{
    /// <summary>Throws <see cref="AnalysisInputException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            throw new AnalysisInputException("id", "must not be empty");
        }

        if (!Enum.IsDefined(Comparator))
        {
            throw new AnalysisInputException("comparator", $"unknown comparator {(int)Comparator}");
        }

        if (!double.IsFinite(Threshold))
        {
            throw new AnalysisInputException("threshold", "must be a finite number");
        }

        if (For < TimeSpan.Zero)
        {
            throw new AnalysisInputException("for", "must not be negative");
        }

        if (KeepFiringFor < TimeSpan.Zero)
        {
            throw new AnalysisInputException("keepFiringFor", "must not be negative");
        }

        if (!Enum.IsDefined(Severity))
        {
            throw new AnalysisInputException("severity", $"unknown severity {(int)Severity}");
        }

        if (!Enum.IsDefined(NoData))
        {
            throw new AnalysisInputException("noData", $"unknown no-data policy {(int)NoData}");
        }
    }

    /// <summary>Whether <paramref name="value"/> meets the condition. +∞ and −∞ compare as numbers.</summary>
    public bool Holds(double value) => Comparator switch
    {
        Comparator.GreaterThan => value > Threshold,
        Comparator.GreaterOrEqual => value >= Threshold,
        Comparator.LessThan => value < Threshold,
        Comparator.LessOrEqual => value <= Threshold,
        Comparator.Equal => value == Threshold,
        _ => value != Threshold,
    };

    /// <summary>The comparator as a symbol: &gt;, ≥, &lt;, ≤, =, ≠.</summary>
    public string Symbol => Comparator switch
    {
        Comparator.GreaterThan => ">",
        Comparator.GreaterOrEqual => "≥",
        Comparator.LessThan => "<",
        Comparator.LessOrEqual => "≤",
        Comparator.Equal => "=",
        _ => "≠",
    };
}
