using Portal.Analysis.Rca;

namespace Portal.Analysis.Tests.Rca;

public class RcaScoringTests
{
    private static readonly DateTimeOffset AlertAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(30, 1.0)]     // within the hour before
    [InlineData(60, 1.0)]     // exactly one hour before still counts as recent
    [InlineData(210, 0.5)]    // 3.5 h: 1 − (3.5 − 1) / (6 − 1) = 0.5
    [InlineData(360, 0.0)]    // 6 h: faded out
    [InlineData(600, 0.0)]
    [InlineData(-5, 0.0)]     // after the alert started
    public void Proximity_is_one_within_the_hour_and_fades_out_by_six_hours(int minutesBeforeAlert, double expected)
    {
        Assert.Equal(expected, RcaScoring.Proximity(AlertAt.AddMinutes(-minutesBeforeAlert), AlertAt), 12);
    }

    [Fact]
    public void Unknown_start_has_no_proximity()
    {
        Assert.Equal(0, RcaScoring.Proximity(null, AlertAt));
    }

    [Fact]
    public void Confidence_is_the_logistic_of_the_documented_score()
    {
        Assert.Equal(0.5, RcaScoring.Confidence(2, 0), 12);              // σ(0)
        Assert.Equal(0.880797, RcaScoring.Confidence(2, 1), 6);          // σ(2)
        Assert.Equal(0.047426, RcaScoring.Confidence(0, 0), 6);          // σ(−3)
        Assert.Equal(0.119203, RcaScoring.DeploymentConfidence(0), 6);   // σ(−2)
        Assert.Equal(0.880797, RcaScoring.DeploymentConfidence(1), 6);   // σ(2)
    }
}
