using System.Security.Cryptography;
using System.Text;

using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>Stable identifiers for alert instances, for deduplication across evaluations and nodes.</summary>
public static class AlertFingerprint
{
    /// <summary>
    /// Lower-case hex SHA-256 of the rule id and the labels sorted by name (ordinal). Every string is written as
    /// <c>length:text</c>, so no choice of label text can make two different label sets encode alike
    /// (("a", "bc") and ("ab", "c") differ). Independent of dictionary order, process and machine.
    /// </summary>
    public static string Compute(string ruleId, IReadOnlyDictionary<string, string> labels)
    {
        if (string.IsNullOrEmpty(ruleId))
        {
            throw new AnalysisInputException("ruleId", "must not be empty");
        }

        var names = new List<string>(labels.Keys);
        names.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        Append(text, ruleId);
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                throw new AnalysisInputException("labels", "a label name must not be empty");
            }

            Append(text, name);
            Append(text, labels[name] ?? throw new AnalysisInputException($"labels.{name}", "must not be null"));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string value) => text.Append(value.Length).Append(':').Append(value);
}

/// <summary>
/// Who an alert instance is: its rule, model, severity and any further labels. <see cref="Labels"/> holds them all,
/// including <c>rule</c>, <c>model</c> and <c>severity</c> (lower-case), which is what silences match against.
/// </summary>
public sealed class AlertIdentity
{
    public const string RuleLabel = "rule";
    public const string ModelLabel = "model";
    public const string SeverityLabel = "severity";

    /// <param name="ruleId">The rule's id.</param>
    /// <param name="model">The model the alert is about.</param>
    /// <param name="severity">The rule's severity.</param>
    /// <param name="labels">Further labels (e.g. <c>feature</c>); must not use the three reserved names.</param>
    public AlertIdentity(string ruleId, string model, AlertSeverity severity, IReadOnlyDictionary<string, string>? labels = null)
    {
        if (string.IsNullOrEmpty(model))
        {
            throw new AnalysisInputException("model", "must not be empty");
        }

        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels ?? new Dictionary<string, string>())
        {
            if (name is RuleLabel or ModelLabel or SeverityLabel)
            {
                throw new AnalysisInputException($"labels.{name}", "is set from the rule, model and severity; do not pass it");
            }

            all[name] = value;
        }

        all[RuleLabel] = ruleId;
        all[ModelLabel] = model;
        all[SeverityLabel] = severity.ToString().ToLowerInvariant();

        RuleId = ruleId;
        Model = model;
        Severity = severity;
        Labels = all;
        Fingerprint = AlertFingerprint.Compute(ruleId, all);
    }

    public string RuleId { get; }

    public string Model { get; }

    public AlertSeverity Severity { get; }

    /// <summary>Every label, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary><see cref="AlertFingerprint.Compute"/> of the rule id and <see cref="Labels"/>.</summary>
    public string Fingerprint { get; }

    public override string ToString() => $"{RuleId}/{Model}/{Labels[SeverityLabel]} ({Fingerprint[..12]})";
}

/// <summary>An alert instance as routing sees it: who it is, its state, and whether someone has acknowledged it.</summary>
public sealed record AlertSnapshot(AlertIdentity Identity, AlertState State, bool Acknowledged = false);
