using Portal.Analysis.Alerting;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

/// <summary>One matcher as Alertmanager's API writes it: <c>{"name": "alertname", "op": "=", "value": "HighErrorRate"}</c>; ops <c>= != =~ !~</c>.</summary>
public sealed record MatcherDto(string? Name, string? Op, string? Value)
{
    private static readonly IReadOnlyDictionary<string, MatchOperator> Ops = new Dictionary<string, MatchOperator>
    {
        ["="] = MatchOperator.Equal,
        ["!="] = MatchOperator.NotEqual,
        ["=~"] = MatchOperator.Regex,
        ["!~"] = MatchOperator.NotRegex,
    };

    public static MatcherDto From(LabelMatcher m) => new(m.Label, Ops.First(o => o.Value == m.Operator).Key, m.Value);

    /// <summary>The matcher, or null with the errors added under <c>{path}.name</c> / <c>{path}.op</c>.</summary>
    public LabelMatcher? ToMatcher(string path, ValidationProblems errors)
    {
        if (Name is null || !AlertRuleForm.LabelName().IsMatch(Name))
        {
            errors.Add($"{path}.name", $"\"{Name}\" is not a label name (letters, digits and _, not starting with a digit).");
        }

        if (Op is null || !Ops.ContainsKey(Op))
        {
            errors.Add($"{path}.op", "Use =, !=, =~ or !~.");
        }

        return errors.Has($"{path}.name") || errors.Has($"{path}.op") ? null : new LabelMatcher(Name!, Ops[Op!], Value ?? "");
    }
}

/// <summary>
/// A new silence: <c>{"matchers": [...], "startsAt", "endsAt", "comment"}</c> with RFC 3339 times; <c>startsAt</c>
/// defaults to now. The author is the caller.
/// </summary>
public sealed record SilenceRequest(IReadOnlyList<MatcherDto>? Matchers, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Comment);

/// <summary>A silence as the API reads it; <c>status</c> is pending, active or expired.</summary>
public sealed record SilenceView(int Id, IReadOnlyList<MatcherDto> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string CreatedBy, string? Comment, string Status)
{
    public static SilenceView From(SilenceRow s) => new(
        s.Id, s.Matchers.Select(MatcherDto.From).ToList(), Utc(s.StartsAt), Utc(s.EndsAt), s.CreatedBy, s.Comment, s.Status);

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
