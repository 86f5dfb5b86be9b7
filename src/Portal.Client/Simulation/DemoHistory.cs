namespace Portal.Client.Simulation;

/// <summary>
/// The story of the demo's past <see cref="Days"/> days up to <see cref="End"/> (the start-up): drift that grows
/// steadily from nothing to <see cref="DriftAtEnd"/> drift hours; the fraud detector's v2 experiment starting
/// <see cref="ExperimentStart"/>; bike-demand's v2 rolled out from 0 to half the traffic over two days; and an incident —
/// the fraud detector's feature store timing out for 90 minutes (<see cref="IncidentStart"/>), a third of its
/// predictions failing and the rest slow.
/// </summary>
public sealed class DemoHistory(DateTimeOffset end, int days)
{
    /// <summary>Drift hours reached at the end of the history; the live simulator continues from here.</summary>
    public const double DriftAtEnd = 2;

    public const string IncidentError = "feature-store timeout";

    public DateTimeOffset End { get; } = end;

    public int Days { get; } = days;

    public DateTimeOffset Start => End.AddDays(-Days);

    /// <summary>Three days before the end, 14:00 UTC.</summary>
    public DateTimeOffset IncidentStart => new DateTimeOffset(End.UtcDateTime.Date, TimeSpan.Zero).AddDays(-3).AddHours(14);

    public DateTimeOffset IncidentEnd => IncidentStart.AddMinutes(90);

    /// <summary>The fraud detector's v2 experiment started a week before the end (or with the history, if shorter).</summary>
    public DateTimeOffset ExperimentStart => Max(Start, End.AddDays(-7));

    /// <summary>bike-demand v2 goes from 0 % to 50 % of the traffic between six and four days before the end.</summary>
    public DateTimeOffset RolloutStart => Max(Start, End.AddDays(-6));

    public DateTimeOffset RolloutEnd => Max(Start, End.AddDays(-4));

    public double DriftHoursAt(DateTimeOffset at) => DriftAtEnd * Math.Clamp((at - Start) / (End - Start), 0, 1);

    public bool InIncident(DateTimeOffset at) => at >= IncidentStart && at < IncidentEnd;

    /// <summary>The share of <paramref name="model"/>'s traffic on its newest version at <paramref name="at"/> (null: the usual split).</summary>
    public double? NewVersionShare(DemoModel model, DateTimeOffset at) => model switch
    {
        FraudModel => at < ExperimentStart ? 0 : null,
        BikeDemandModel => at < RolloutStart ? 0 : at >= RolloutEnd ? null : 0.5 * ((at - RolloutStart) / (RolloutEnd - RolloutStart)),
        _ => null,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
