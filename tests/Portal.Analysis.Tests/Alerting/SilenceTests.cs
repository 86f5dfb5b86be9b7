using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class SilenceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AlertIdentity ChurnDrift = new(
        "feature-drift", "churn-v2", AlertSeverity.Warning, new Dictionary<string, string> { ["feature"] = "age" });

    private static Silence SilenceOf(params LabelMatcher[] matchers) => new("s1", matchers, T0, T0.AddHours(2), "ana", "retraining");

    [Fact]
    public void Silence_with_regex_matcher_mutes_matching_alert()
    {
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Regex, "churn-.*"));

        Assert.Same(silence, Silence.Silencing(ChurnDrift, [silence], T0.AddMinutes(30)));
    }

    [Fact]
    public void Regex_must_match_the_whole_label_value()
    {
        // "churn" is a prefix of "churn-v2" but, anchored as in Alertmanager, does not match it.
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Regex, "churn"));

        Assert.Null(Silence.Silencing(ChurnDrift, [silence], T0));
    }

    [Fact]
    public void Regex_does_not_match_a_value_with_a_trailing_newline()
    {
        // Anchored with \z: "$" would also match before a final newline.
        var matcher = new LabelMatcher("model", MatchOperator.Regex, "churn");

        Assert.False(matcher.MatchesValue("churn\n"));
        Assert.True(matcher.MatchesValue("churn"));
    }

    [Fact]
    public void All_matchers_must_match()
    {
        var silence = SilenceOf(
            new LabelMatcher("model", MatchOperator.Equal, "churn-v2"),
            new LabelMatcher("feature", MatchOperator.Equal, "income"));

        Assert.False(silence.Matches(ChurnDrift));
    }

    [Fact]
    public void Not_equal_and_not_regex_matchers_exclude_alerts()
    {
        var notChurn = SilenceOf(new LabelMatcher("model", MatchOperator.NotEqual, "churn-v2"));
        var notWarnings = SilenceOf(
            new LabelMatcher("rule", MatchOperator.Equal, "feature-drift"),
            new LabelMatcher("severity", MatchOperator.NotRegex, "warn.*"));

        Assert.False(notChurn.Matches(ChurnDrift));
        Assert.False(notWarnings.Matches(ChurnDrift));
        Assert.True(notWarnings.Matches(new AlertIdentity("feature-drift", "churn-v2", AlertSeverity.Critical)));
    }

    [Fact]
    public void Missing_label_reads_as_empty()
    {
        // The alert has no "team" label: team != "ops" holds, team = "ops" does not.
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Equal, "churn-v2"), new LabelMatcher("team", MatchOperator.NotEqual, "ops"));

        Assert.True(silence.Matches(ChurnDrift));
        Assert.False(SilenceOf(new LabelMatcher("team", MatchOperator.Equal, "ops")).Matches(ChurnDrift));
    }

    [Fact]
    public void Silence_is_active_from_start_inclusive_to_end_exclusive()
    {
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Equal, "churn-v2"));

        Assert.Null(Silence.Silencing(ChurnDrift, [silence], T0.AddTicks(-1)));
        Assert.NotNull(Silence.Silencing(ChurnDrift, [silence], T0));
        Assert.NotNull(Silence.Silencing(ChurnDrift, [silence], T0.AddHours(2).AddTicks(-1)));
        Assert.Null(Silence.Silencing(ChurnDrift, [silence], T0.AddHours(2)));
    }

    [Fact]
    public void Invalid_regex_is_rejected_with_the_matcher_field()
    {
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Equal, "churn-v2"), new LabelMatcher("feature", MatchOperator.Regex, "(age"));

        var error = Assert.Throws<AnalysisInputException>(silence.Validate);
        Assert.Equal("matchers[1].value", error.Field);
    }

    [Fact]
    public void Backreference_is_rejected_because_matching_must_stay_linear()
    {
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Regex, @"(a)\1"));

        Assert.Equal("matchers[0].value", Assert.Throws<AnalysisInputException>(silence.Validate).Field);
    }

    [Fact]
    public void Silence_that_would_mute_everything_is_rejected()
    {
        // ".*" and "!= x" both match an empty label, so together they match any alert at all.
        var silence = SilenceOf(new LabelMatcher("model", MatchOperator.Regex, ".*"), new LabelMatcher("team", MatchOperator.NotEqual, "x"));

        Assert.Equal("matchers", Assert.Throws<AnalysisInputException>(silence.Validate).Field);
    }

    [Fact]
    public void Silence_without_matchers_or_with_end_before_start_is_rejected()
    {
        Assert.Equal("matchers", Assert.Throws<AnalysisInputException>(SilenceOf().Validate).Field);

        var backwards = SilenceOf(new LabelMatcher("model", MatchOperator.Equal, "m")) with { EndsAt = T0 };
        Assert.Equal("endsAt", Assert.Throws<AnalysisInputException>(backwards.Validate).Field);
    }
}
