namespace Portal.Web.Features.Alerts;

/// <summary>Configuration of alert evaluation and notification (section <c>Portal:Alerting</c>).</summary>
public sealed class AlertingOptions
{
    public const string Section = "Portal:Alerting";

    /// <summary>How often rules are evaluated; 0 turns the recurring evaluation off (tests drive it themselves).</summary>
    public int EvaluationSeconds { get; set; } = 30;

    /// <summary>Alertmanager's group_wait: how long a new group collects alerts before its first notification.</summary>
    public int GroupWaitSeconds { get; set; } = 30;

    /// <summary>Alertmanager's group_interval: how often a group is looked at again for changes.</summary>
    public int GroupIntervalSeconds { get; set; } = 300;

    /// <summary>Retries after a failed delivery (so at most 1 + this many attempts), with exponential backoff.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Backoff before the first retry; doubled for each further retry.</summary>
    public int RetryBaseDelayMs { get; set; } = 1000;

    /// <summary>Timeout of one delivery attempt.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>The portal's address as people reach it, for links in notifications (runbooks, alert pages).</summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";

    /// <summary>
    /// Alertmanager's inhibit_rules; none configured means the default: a firing critical alert mutes the warning and
    /// info alerts of the same rule and model.
    /// </summary>
    public List<InhibitRuleOptions> InhibitRules { get; set; } = [];

    /// <summary>The inhibition rules in force; a bad matcher throws naming it (<c>inhibitRules[0].sourceMatchers[1]</c>).</summary>
    public IReadOnlyList<Portal.Analysis.Alerting.InhibitRule> ParsedInhibitRules() => InhibitRules.Count == 0
        ? Portal.Analysis.Alerting.InhibitRule.Defaults
        : InhibitRules.Select((r, i) => new Portal.Analysis.Alerting.InhibitRule(
            r.SourceMatchers.Select((m, j) => SilenceService.Parse(m, $"inhibitRules[{i}].sourceMatchers[{j}]")).ToList(),
            r.TargetMatchers.Select((m, j) => SilenceService.Parse(m, $"inhibitRules[{i}].targetMatchers[{j}]")).ToList(),
            r.Equal)).ToList();
}

/// <summary>One inhibition rule: matchers written as in silences (<c>severity="critical"</c>, <c>alertname=~"Model.*"</c>).</summary>
public sealed class InhibitRuleOptions
{
    public List<string> SourceMatchers { get; set; } = [];

    public List<string> TargetMatchers { get; set; } = [];

    /// <summary>Labels that must be equal on source and target (e.g. <c>model</c>).</summary>
    public List<string> Equal { get; set; } = [];
}
