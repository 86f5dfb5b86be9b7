using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>
/// Alerts are notified in groups (Alertmanager's <c>group_by</c>): one group per combination of values of the group-by
/// labels, by default <see cref="DefaultGroupBy"/> (model and severity). A label an alert lacks counts as empty.
/// <see cref="Value"/> names the group: the values joined by "/" in group-by order ("churn/critical"), a "/" or "\" in
/// a value escaped with "\" so that two groups never share a name.
/// </summary>
public sealed class NotificationGroupKey : IEquatable<NotificationGroupKey>
{
    public static IReadOnlyList<string> DefaultGroupBy { get; } = [AlertIdentity.ModelLabel, AlertIdentity.SeverityLabel];

    /// <summary>The group of one model and severity (the default grouping).</summary>
    public NotificationGroupKey(string model, AlertSeverity severity)
        : this([new(AlertIdentity.ModelLabel, model), new(AlertIdentity.SeverityLabel, severity.ToString().ToLowerInvariant())])
    {
    }

    /// <param name="labels">The group-by label names with this group's values, in group-by order.</param>
    public NotificationGroupKey(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        Labels = labels;
        var values = new List<string>(labels.Count);
        foreach (var label in labels)
        {
            values.Add(label.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal));
        }

        Value = string.Join('/', values);
    }

    /// <summary>The group-by label names with this group's values, in group-by order (Alertmanager's groupLabels).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; }

    public string Value { get; }

    /// <summary>The group of <paramref name="alert"/> when grouping by <paramref name="groupBy"/> (null: <see cref="DefaultGroupBy"/>).</summary>
    public static NotificationGroupKey Of(AlertIdentity alert, IReadOnlyList<string>? groupBy = null)
    {
        var names = groupBy ?? DefaultGroupBy;
        var labels = new List<KeyValuePair<string, string>>(names.Count);
        foreach (var name in names)
        {
            labels.Add(new(name, alert.Labels.TryGetValue(name, out var value) ? value : ""));
        }

        return new NotificationGroupKey(labels);
    }

    /// <summary>
    /// The group named <paramref name="value"/> when grouping by <paramref name="groupBy"/>, or null when the name does
    /// not have one value per label (a group of an earlier grouping).
    /// </summary>
    public static NotificationGroupKey? Parse(string value, IReadOnlyList<string> groupBy)
    {
        var values = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Append(value[++i]);
            }
            else if (value[i] == '/')
            {
                values.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(value[i]);
            }
        }

        values.Add(current.ToString());
        if (values.Count != groupBy.Count)
        {
            return null;
        }

        var labels = new List<KeyValuePair<string, string>>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            labels.Add(new(groupBy[i], values[i]));
        }

        return new NotificationGroupKey(labels);
    }

    /// <summary>The group-by label names.</summary>
    public IReadOnlyList<string> GroupBy()
    {
        var names = new List<string>(Labels.Count);
        foreach (var label in Labels)
        {
            names.Add(label.Key);
        }

        return names;
    }

    public bool Equals(NotificationGroupKey? other)
    {
        if (other is null || other.Labels.Count != Labels.Count)
        {
            return false;
        }

        for (var i = 0; i < Labels.Count; i++)
        {
            if (Labels[i].Key != other.Labels[i].Key || Labels[i].Value != other.Labels[i].Value)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as NotificationGroupKey);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(NotificationGroupKey? left, NotificationGroupKey? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(NotificationGroupKey? left, NotificationGroupKey? right) => !(left == right);

    public override string ToString() => Value;
}

/// <summary>
/// Alertmanager's timers. <see cref="GroupWait"/>: how long a new group collects alerts before its first
/// notification. <see cref="GroupInterval"/>: how often a group is looked at again for changes.
/// <see cref="RepeatInterval"/>: how long an unchanged, still-firing group waits before being notified again.
/// <see cref="SendResolved"/>: whether resolved alerts are notified.
/// </summary>
public sealed record NotificationTiming(TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval, bool SendResolved = true)
{
    /// <summary>Alertmanager's defaults: 30s, 5m, 4h, resolved notifications on.</summary>
    public static NotificationTiming Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4));

    public void Validate()
    {
        if (GroupWait < TimeSpan.Zero)
        {
            throw new AnalysisInputException("groupWait", "must not be negative");
        }

        if (GroupInterval <= TimeSpan.Zero)
        {
            throw new AnalysisInputException("groupInterval", "must be positive");
        }

        if (RepeatInterval <= TimeSpan.Zero)
        {
            throw new AnalysisInputException("repeatInterval", "must be positive");
        }
    }
}

/// <summary>
/// What a group remembers between decisions. <see cref="NotifiedFiring"/> and <see cref="NotifiedResolved"/> are the
/// fingerprints the last notification reported, which is how "has anything changed?" is answered.
/// </summary>
public sealed record NotificationGroupState(
    NotificationGroupKey Key,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastFlushAt,
    DateTimeOffset? LastNotifiedAt,
    IReadOnlyList<string> NotifiedFiring,
    IReadOnlyList<string> NotifiedResolved)
{
    /// <summary>A group created when its first alert arrived at <paramref name="createdAt"/>.</summary>
    public static NotificationGroupState Start(NotificationGroupKey key, DateTimeOffset createdAt) => new(key, createdAt, null, null, [], []);
}

/// <summary>
/// Whether to send a notification now (<see cref="Notify"/>), why, the state to store, when to look again, and the
/// alerts the notification reports.
/// </summary>
public sealed record NotificationDecision(
    bool Notify,
    string Reason,
    NotificationGroupState State,
    DateTimeOffset NextFlushAt,
    IReadOnlyList<AlertSnapshot> Firing,
    IReadOnlyList<AlertSnapshot> Resolved);

/// <summary>Alertmanager's grouping and deduplication, as a decision the alert job asks at any time.</summary>
public static class NotificationScheduler
{
    /// <summary>Splits alerts into notification groups by <paramref name="groupBy"/> (null: model and severity), in order of first appearance.</summary>
    public static IReadOnlyDictionary<NotificationGroupKey, IReadOnlyList<AlertSnapshot>> Group(IReadOnlyList<AlertSnapshot> alerts, IReadOnlyList<string>? groupBy = null)
    {
        var groups = new Dictionary<NotificationGroupKey, List<AlertSnapshot>>();
        foreach (var alert in alerts)
        {
            var key = NotificationGroupKey.Of(alert.Identity, groupBy);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(alert);
        }

        var result = new Dictionary<NotificationGroupKey, IReadOnlyList<AlertSnapshot>>(groups.Count);
        foreach (var (key, members) in groups)
        {
            result[key] = members;
        }

        return result;
    }

    /// <summary>
    /// Decides for one group at <paramref name="now"/>. <paramref name="alerts"/> are the group's current, unsuppressed
    /// alerts; firing ones and resolved ones not yet forgotten are reported, pending and inactive ones are not news yet.
    /// <list type="number">
    /// <item>The group is flushed <see cref="NotificationTiming.GroupWait"/> after it was created, then every
    /// <see cref="NotificationTiming.GroupInterval"/> after the previous flush. Before that: no notification.</item>
    /// <item>At a flush (Alertmanager's dedup stage): never notified and something firing → notify; a firing alert the
    /// last notification did not report → notify; nothing firing any more → notify if the last notification reported
    /// something firing ("all resolved"); an alert resolved since the last notification (with
    /// <see cref="NotificationTiming.SendResolved"/>) → notify; otherwise repeat once
    /// <see cref="NotificationTiming.RepeatInterval"/> has passed since the last notification, unless every firing
    /// alert is acknowledged (someone is on it; a resolve or a new alert still notifies).</item>
    /// <item>A flush that does not notify forgets reported alerts that are no longer firing, so an alert that resolved
    /// without a notification (resolved notifications off) and fires again is notified as new.</item>
    /// </list>
    /// Repeats are due once the repeat interval has passed (≥); Alertmanager compares strictly, which only matters
    /// when a flush lands exactly on the boundary.
    /// </summary>
    /// <exception cref="AnalysisInputException">An alert of another group, or <paramref name="now"/> before the last flush.</exception>
    public static NotificationDecision Decide(
        NotificationGroupState state, IReadOnlyList<AlertSnapshot> alerts, NotificationTiming timing, DateTimeOffset now)
    {
        timing.Validate();
        var previous = state.LastFlushAt ?? state.CreatedAt;
        if (now < previous)
        {
            throw new AnalysisInputException("now", $"{now:O} is before the group's last flush or creation at {previous:O}; the clock went backwards");
        }

        var firing = new List<AlertSnapshot>();
        var resolved = new List<AlertSnapshot>();
        var groupBy = state.Key.GroupBy();
        for (var i = 0; i < alerts.Count; i++)
        {
            if (NotificationGroupKey.Of(alerts[i].Identity, groupBy) != state.Key)
            {
                throw new AnalysisInputException($"alerts[{i}]", $"belongs to group {NotificationGroupKey.Of(alerts[i].Identity, groupBy)}, not {state.Key}");
            }

            if (alerts[i].State == AlertState.Firing)
            {
                firing.Add(alerts[i]);
            }
            else if (alerts[i].State == AlertState.Resolved)
            {
                resolved.Add(alerts[i]);
            }
        }

        var flushAt = state.LastFlushAt is { } lastFlush ? lastFlush + timing.GroupInterval : state.CreatedAt + timing.GroupWait;
        if (now < flushAt)
        {
            var timer = state.LastFlushAt is null ? "group wait" : "group interval";
            return new NotificationDecision(false, $"within the {timer}; next look at {flushAt:O}", state, flushAt, firing, resolved);
        }

        var (notify, reason) = NeedsNotification(state, firing, resolved, timing, now);
        var flushed = notify
            ? state with { LastFlushAt = now, LastNotifiedAt = now, NotifiedFiring = Fingerprints(firing), NotifiedResolved = Fingerprints(resolved) }

            // Forget reported alerts that are no longer firing, so one that resolved unreported and fires again is news.
            : state with { LastFlushAt = now, NotifiedFiring = StillFiring(state.NotifiedFiring, firing) };

        return new NotificationDecision(notify, reason, flushed, now + timing.GroupInterval, firing, resolved);
    }

    private static (bool Notify, string Reason) NeedsNotification(
        NotificationGroupState state, List<AlertSnapshot> firing, List<AlertSnapshot> resolved, NotificationTiming timing, DateTimeOffset now)
    {
        if (state.LastNotifiedAt is not { } lastNotified)
        {
            return firing.Count > 0
                ? (true, $"first notification for the group: {firing.Count} firing")
                : (false, "nothing firing, and nothing notified before");
        }

        if (!IsSubset(firing, state.NotifiedFiring))
        {
            return (true, "a firing alert the last notification did not report");
        }

        if (firing.Count == 0)
        {
            return (state.NotifiedFiring.Count > 0, timing.SendResolved) switch
            {
                (true, true) => (true, "all alerts resolved"),
                (true, false) => (false, "all alerts resolved; resolved notifications are off"),
                _ => (false, "nothing firing, and the last notification reported nothing firing"),
            };
        }

        if (timing.SendResolved && !IsSubset(resolved, state.NotifiedResolved))
        {
            return (true, "an alert resolved since the last notification");
        }

        if (AllAcknowledged(firing))
        {
            return (false, "nothing changed and every firing alert is acknowledged: no repeat");
        }

        var repeatAt = lastNotified + timing.RepeatInterval;
        return now >= repeatAt
            ? (true, $"nothing changed, repeated after the repeat interval {Display.Duration(timing.RepeatInterval)}")
            : (false, $"nothing changed; repeat due at {repeatAt:O}");
    }

    private static bool IsSubset(List<AlertSnapshot> alerts, IReadOnlyList<string> notified)
    {
        var known = new HashSet<string>(notified, StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            if (!known.Contains(alert.Identity.Fingerprint))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> StillFiring(IReadOnlyList<string> notified, List<AlertSnapshot> firing)
    {
        var current = new HashSet<string>(Fingerprints(firing), StringComparer.Ordinal);
        var kept = new List<string>(notified.Count);
        foreach (var fingerprint in notified)
        {
            if (current.Contains(fingerprint))
            {
                kept.Add(fingerprint);
            }
        }

        return kept;
    }

    private static bool AllAcknowledged(List<AlertSnapshot> firing)
    {
        foreach (var alert in firing)
        {
            if (!alert.Acknowledged)
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> Fingerprints(List<AlertSnapshot> alerts)
    {
        var fingerprints = new List<string>(alerts.Count);
        foreach (var alert in alerts)
        {
            fingerprints.Add(alert.Identity.Fingerprint);
        }

        return fingerprints;
    }
}
