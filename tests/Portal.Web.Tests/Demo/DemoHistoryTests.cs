using Portal.Client.Simulation;

namespace Portal.Web.Tests.Demo;

public sealed class DemoHistoryTests
{
    private static readonly DateTimeOffset End = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);
    private readonly DemoHistory history = new(End, 14);

    [Fact]
    public void Drift_grows_from_nothing_at_the_start_to_where_the_live_simulator_goes_on()
    {
        Assert.Equal(0, history.DriftHoursAt(history.Start));
        Assert.Equal(DemoHistory.DriftAtEnd / 2, history.DriftHoursAt(End.AddDays(-7)), 9);
        Assert.Equal(DemoHistory.DriftAtEnd, history.DriftHoursAt(End));
    }

    [Fact]
    public void The_incident_is_90_minutes_from_14_00_utc_three_days_before_the_end()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 14, 0, 0, TimeSpan.Zero), history.IncidentStart);
        Assert.True(history.InIncident(history.IncidentStart.AddMinutes(89)));
        Assert.False(history.InIncident(history.IncidentEnd));
        Assert.False(history.InIncident(history.IncidentStart.AddSeconds(-1)));
    }

    [Fact]
    public void Fraud_v2_gets_traffic_from_the_experiment_start_and_bike_demand_v2_ramps_up_over_two_days()
    {
        var fraud = new FraudModel();
        var bikes = new BikeDemandModel();
        Assert.Equal(0, history.NewVersionShare(fraud, history.ExperimentStart.AddMinutes(-1)));
        Assert.Null(history.NewVersionShare(fraud, history.ExperimentStart));
        Assert.Equal(0, history.NewVersionShare(bikes, history.RolloutStart.AddMinutes(-1)));
        Assert.Equal(0.25, history.NewVersionShare(bikes, End.AddDays(-5))!.Value, 9);
        Assert.Null(history.NewVersionShare(bikes, history.RolloutEnd));
        Assert.Null(history.NewVersionShare(new ChurnModel(), history.Start));
    }

    [Fact]
    public void Before_the_experiment_starts_fraud_predictions_carry_no_experiment_and_serve_only_v1()
    {
        var random = new Random(3);
        var before = Enumerable.Range(0, 500).Select(i => new FraudModel().Next(random, $"p{i}", End, 0, newVersionShare: 0).Item1).ToList();
        Assert.All(before, p => Assert.Null(p.Experiment));
        Assert.All(before, p => Assert.Equal("v1", p.ModelVersion));
    }
}
