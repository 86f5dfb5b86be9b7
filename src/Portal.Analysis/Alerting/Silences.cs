using System.Text.RegularExpressions;

using Portal.Analysis.Common;

using RegexEngine = System.Text.RegularExpressions.Regex;

namespace Portal.Analysis.Alerting;

/// <summary>Alertmanager's matcher operators: =, !=, =~, !~.</summary>
public enum MatchOperator
{
    Equal,
    NotEqual,

    /// <summary>The whole label value matches the regular expression (anchored, as in Alertmanager).</summary>
    Regex,

    /// <summary>The whole label value does not match the regular expression.</summary>
    NotRegex,
}

/// <summary>
/// One condition on one label. A label the alert does not have reads as the empty string, as in Alertmanager, so
/// <c>team != ops</c> matches an alert without a <c>team</c> label.
/// </summary>
public sealed record LabelMatcher(string Label, MatchOperator Operator, string Value)
{
    // Linear-time matching: the pattern comes from a form, and a backtracking pattern must not stall alert evaluation.
    // Like Alertmanager's RE2, this engine has no backreferences or lookarounds; such patterns are rejected.
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    /// <summary>Whether the alert's labels satisfy this matcher.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchesValue(labels.TryGetValue(Label, out var value) ? value : "");

    /// <summary>Whether a label value satisfies this matcher.</summary>
    public bool MatchesValue(string value) => Operator switch
    {
        MatchOperator.Equal => value == Value,
        MatchOperator.NotEqual => value != Value,

        // Regex's static methods cache the parsed pattern, so matching many alerts does not re-parse it.
        MatchOperator.Regex => RegexEngine.IsMatch(value, Anchored, Options),
        _ => !RegexEngine.IsMatch(value, Anchored, Options),
    };

    private string Anchored => $"^(?:{Value})\\z";

    /// <summary>Throws <see cref="AnalysisInputException"/> with <paramref name="field"/> as the prefix of the field name.</summary>
    internal void Validate(string field)
    {
        if (string.IsNullOrEmpty(Label))
        {
            throw new AnalysisInputException($"{field}.label", "must not be empty");
        }

        if (!Enum.IsDefined(Operator))
        {
            throw new AnalysisInputException($"{field}.operator", $"unknown operator {(int)Operator}");
        }

        if (Value is null)
        {
            throw new AnalysisInputException($"{field}.value", "must not be null");
        }

        if (Operator is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            try
            {
                // Through the static cache, so the later matching reuses this parse.
                _ = RegexEngine.IsMatch("", Anchored, Options);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw new AnalysisInputException($"{field}.value", $"is not a usable regular expression: {e.Message}");
            }
        }
    }
}

/// <summary>
/// Mutes the alerts all of whose <see cref="Matchers"/> match, from <see cref="StartsAt"/> (inclusive) to
/// <see cref="EndsAt"/> (exclusive). A silenced alert still changes state; it is only not notified.
/// </summary>
public sealed record Silence(
    string Id,
    IReadOnlyList<LabelMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string? CreatedBy = null,
    string? Comment = null)
{
    /// <summary>
    /// Throws <see cref="AnalysisInputException"/> for: no matchers, a bad matcher (<c>matchers[i].value</c>), an end
    /// not after the start, or matchers that all match the empty string — such a silence would mute every alert, and
    /// Alertmanager refuses it for the same reason.
    /// </summary>
    public void Validate()
    {
        if (Matchers.Count == 0)
        {
            throw new AnalysisInputException("matchers", "a silence needs at least one matcher");
        }

        var selective = false;
        for (var i = 0; i < Matchers.Count; i++)
        {
            Matchers[i].Validate($"matchers[{i}]");
            selective |= !Matchers[i].MatchesValue("");
        }

        if (!selective)
        {
            throw new AnalysisInputException("matchers", "every matcher also matches an empty label, so this silence would mute every alert");
        }

        if (EndsAt <= StartsAt)
        {
            throw new AnalysisInputException("endsAt", "must be after startsAt");
        }
    }

    public bool IsActiveAt(DateTimeOffset at) => StartsAt <= at && at < EndsAt;

    /// <summary>Whether every matcher matches the alert's labels (regardless of time).</summary>
    public bool Matches(AlertIdentity alert)
    {
        foreach (var matcher in Matchers)
        {
            if (!matcher.Matches(alert.Labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The first of <paramref name="silences"/> active at <paramref name="at"/> that matches the alert, or null.
    /// Silences are validated when saved (<see cref="Validate"/>), not again for every alert they are checked against.
    /// </summary>
    public static Silence? Silencing(AlertIdentity alert, IReadOnlyList<Silence> silences, DateTimeOffset at)
    {
        foreach (var silence in silences)
        {
            if (silence.IsActiveAt(at) && silence.Matches(alert))
            {
                return silence;
            }
        }

        return null;
    }
}
