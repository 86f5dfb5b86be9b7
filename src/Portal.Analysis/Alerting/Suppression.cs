using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>Why an alert is not notified.</summary>
public enum SuppressionKind
{
    /// <summary>Not suppressed: notify as usual.</summary>
    None,

    /// <summary>A person muted it with a silence.</summary>
    Silenced,

    /// <summary>A firing alert that an inhibition rule lets speak for it (by default: the critical one of the same rule and model; the page alert of the same SLO).</summary>
    Inhibited,
}

/// <summary>The suppression verdict for one alert, with the silence or the inhibiting alert that caused it.</summary>
public sealed record SuppressionDecision(SuppressionKind Kind, Silence? Silence, AlertSnapshot? InhibitedBy, string Reason)
{
    public bool Suppressed => Kind != SuppressionKind.None;
}

/// <summary>
/// One of Alertmanager's <c>inhibit_rules</c>: a firing alert matching <see cref="SourceMatchers"/> mutes the alerts
/// matching <see cref="TargetMatchers"/> that have the same values of the <see cref="Equal"/> labels (a label missing
/// on both counts as equal).
/// </summary>
public sealed record InhibitRule(IReadOnlyList<LabelMatcher> SourceMatchers, IReadOnlyList<LabelMatcher> TargetMatchers, IReadOnlyList<string> Equal)
{
    /// <summary>The default: a firing critical alert mutes the warning and info alerts of the same rule and model.</summary>
    public static InhibitRule CriticalMutesLowerSeverities { get; } = new(
        [new LabelMatcher(AlertIdentity.SeverityLabel, MatchOperator.Equal, "critical")],
        [new LabelMatcher(AlertIdentity.SeverityLabel, MatchOperator.Regex, "warning|info")],
        [AlertIdentity.RuleLabel, AlertIdentity.ModelLabel]);

    public static IReadOnlyList<InhibitRule> Defaults { get; } = [CriticalMutesLowerSeverities];

    /// <summary>Whether <paramref name="source"/> mutes <paramref name="target"/> under this rule (an alert never mutes itself).</summary>
    public bool Inhibits(AlertIdentity source, AlertIdentity target) =>
        source.Fingerprint != target.Fingerprint
        && TargetMatchers.All(m => m.Matches(target.Labels))
        && SourceMatchers.All(m => m.Matches(source.Labels))
        && Equal.All(label => source.Labels.GetValueOrDefault(label, "") == target.Labels.GetValueOrDefault(label, ""));
}

/// <summary>Inhibition and silences: which alerts are left out of notifications.</summary>
public static class AlertSuppression
{
    /// <summary>
    /// The alert of <paramref name="alerts"/> that inhibits <paramref name="target"/>, or null: a <em>firing</em> alert
    /// that mutes it under one of <paramref name="rules"/> (by default <see cref="InhibitRule.CriticalMutesLowerSeverities"/>:
    /// the critical one already says it, louder). A silenced source still inhibits: muting the page must not let the
    /// warning through instead.
    /// </summary>
    public static AlertSnapshot? InhibitedBy(AlertIdentity target, IReadOnlyList<AlertSnapshot> alerts, IReadOnlyList<InhibitRule>? rules = null)
    {
        if (SloPageInhibiting(target, alerts) is { } page)
        {
            return page;
        }

        foreach (var rule in rules ?? InhibitRule.Defaults)
        {
            foreach (var source in alerts)
            {
                if (source.State == AlertState.Firing && rule.Inhibits(source.Identity, target))
                {
                    return source;
                }
            }
        }

        return null;
    }

    /// <summary>Label naming the SLO of an SLO alert.</summary>
    public const string SloLabel = "slo";

    /// <summary>Label saying which alert of its SLO an SLO alert is: page or ticket.</summary>
    public const string SloAlertLabel = "slo_alert";

    /// <summary>
    /// A firing <em>page</em> alert of the same SLO and model mutes the SLO's <em>ticket</em> alert, whatever their
    /// severities (they can be switched per SLO): the fast burn says it already.
    /// </summary>
    private static AlertSnapshot? SloPageInhibiting(AlertIdentity target, IReadOnlyList<AlertSnapshot> alerts)
    {
        if (!target.Labels.TryGetValue(SloAlertLabel, out var kind) || kind != "ticket" || !target.Labels.TryGetValue(SloLabel, out var slo))
        {
            return null;
        }

        return alerts.FirstOrDefault(source => source.State == AlertState.Firing
            && source.Identity.Model == target.Model
            && source.Identity.Labels.TryGetValue(SloAlertLabel, out var k) && k == "page"
            && source.Identity.Labels.TryGetValue(SloLabel, out var s) && s == slo);
    }

    /// <summary>
    /// Whether <paramref name="target"/> is suppressed at <paramref name="at"/>: first by an active matching silence
    /// (a person's explicit decision), else by inhibition from <paramref name="alerts"/>.
    /// </summary>
    public static SuppressionDecision Decide(
        AlertIdentity target, IReadOnlyList<AlertSnapshot> alerts, IReadOnlyList<Silence> silences, DateTimeOffset at, IReadOnlyList<InhibitRule>? inhibitRules = null)
    {
        if (Silence.Silencing(target, silences, at) is { } silence)
        {
            var comment = string.IsNullOrWhiteSpace(silence.Comment) ? "" : $" ({silence.Comment})";
            return new SuppressionDecision(SuppressionKind.Silenced, silence, null, $"silenced by {silence.Id} until {Display.TimeOfDay(silence.EndsAt, at)}{comment}");
        }

        if (InhibitedBy(target, alerts, inhibitRules) is { } source)
        {
            return new SuppressionDecision(SuppressionKind.Inhibited, null, source,
                SloPageInhibiting(target, alerts) is not null
                    ? $"inhibited by the firing page alert {source.Identity.Fingerprint[..12]} ({source.Identity.RuleId}) of the same SLO on model {target.Model}"
                    : $"inhibited by the firing {source.Identity.Labels[AlertIdentity.SeverityLabel]} alert {source.Identity.Fingerprint[..12]} of rule {source.Identity.RuleId} on model {source.Identity.Model}");
        }

        return new SuppressionDecision(SuppressionKind.None, null, null, "neither silenced nor inhibited");
    }
}
