using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>Why an alert is not notified.</summary>
public enum SuppressionKind
{
    /// <summary>Not suppressed: notify as usual.</summary>
    None,

    /// <summary>A person muted it with a silence.</summary>
    Silenced,

    /// <summary>A firing critical alert of the same rule and model says it already.</summary>
    Inhibited,
}

/// <summary>The suppression verdict for one alert, with the silence or the inhibiting alert that caused it.</summary>
public sealed record SuppressionDecision(SuppressionKind Kind, Silence? Silence, AlertSnapshot? InhibitedBy, string Reason)
{
    public bool Suppressed => Kind != SuppressionKind.None;
}

/// <summary>Inhibition and silences: which alerts are left out of notifications.</summary>
public static class AlertSuppression
{
    /// <summary>
    /// The alert of <paramref name="alerts"/> that inhibits <paramref name="target"/>, or null: a <em>firing</em>
    /// <see cref="AlertSeverity.Critical"/> alert of the same rule and model mutes that rule's lower severities
    /// (warning, info) for that model — the critical one already says it, louder. A silenced critical still inhibits:
    /// muting the page must not let the warning through instead.
    /// </summary>
    public static AlertSnapshot? InhibitedBy(AlertIdentity target, IReadOnlyList<AlertSnapshot> alerts)
    {
        if (target.Severity == AlertSeverity.Critical)
        {
            return null;
        }

        foreach (var source in alerts)
        {
            var identity = source.Identity;
            if (source.State == AlertState.Firing
                && identity.Severity == AlertSeverity.Critical
                && identity.RuleId == target.RuleId
                && identity.Model == target.Model)
            {
                return source;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="target"/> is suppressed at <paramref name="at"/>: first by an active matching silence
    /// (a person's explicit decision), else by inhibition from <paramref name="alerts"/>.
    /// </summary>
    public static SuppressionDecision Decide(
        AlertIdentity target, IReadOnlyList<AlertSnapshot> alerts, IReadOnlyList<Silence> silences, DateTimeOffset at)
    {
        if (Silence.Silencing(target, silences, at) is { } silence)
        {
            var comment = string.IsNullOrWhiteSpace(silence.Comment) ? "" : $" ({silence.Comment})";
            return new SuppressionDecision(SuppressionKind.Silenced, silence, null, $"silenced by {silence.Id} until {Display.TimeOfDay(silence.EndsAt, at)}{comment}");
        }

        if (InhibitedBy(target, alerts) is { } source)
        {
            return new SuppressionDecision(SuppressionKind.Inhibited, null, source,
                $"inhibited by the firing critical alert {source.Identity.Fingerprint[..12]} of rule {target.RuleId} on model {target.Model}");
        }

        return new SuppressionDecision(SuppressionKind.None, null, null, "neither silenced nor inhibited");
    }
}
