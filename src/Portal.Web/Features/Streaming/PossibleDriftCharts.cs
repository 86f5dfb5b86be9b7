using Portal.Data.Entities.Streaming;

namespace Portal.Web.Features.Streaming;

/// <summary>A marker at a possible-drift event: placed on its stream's value in the event's bucket.</summary>
public sealed record DriftMarker(DateTime At, double Y, string Signal, bool SecondAxis, string Label);

/// <summary>The panel's chart: score (or predicted value) and error rate per bucket, and the event markers.</summary>
public sealed record PossibleDriftFigure(IReadOnlyList<DateTime> Times, string ScoreName, double?[] Score, double?[] Error, IReadOnlyList<DriftMarker> Markers);

/// <summary>Maps a <see cref="PossibleDriftView"/> to its chart.</summary>
public static class PossibleDriftCharts
{
    public static PossibleDriftFigure Figure(PossibleDriftView view)
    {
        var markers = new List<DriftMarker>();
        foreach (var e in view.Events.OrderBy(e => e.At))
        {
            var error = e.Signal == PossibleDriftEvent.ErrorSignal && view.Error.Length > 0;
            var values = error ? view.Error : view.Score;
            var y = ValueAt(view.Times, values, e.At);
            if (y is null)
            {
                continue;
            }

            var label = $"{PossibleDriftDashboard.DetectorName(e.Detector)} on {PossibleDriftDashboard.SignalName(e.Signal, view.Regression)}";
            markers.Add(new DriftMarker(e.At, y.Value, PossibleDriftDashboard.SignalName(e.Signal, view.Regression), error, label));
        }

        // No labels in the window: no error line (and no second axis) to show.
        var errorLine = view.Error.Any(v => v is not null) ? view.Error : [];
        return new PossibleDriftFigure(view.Times, PossibleDriftDashboard.SignalName(PossibleDriftEvent.ScoreSignal, view.Regression), view.Score, errorLine, markers);
    }

    /// <summary>The value of the bucket holding <paramref name="at"/>, or the nearest earlier bucket with data.</summary>
    public static double? ValueAt(IReadOnlyList<DateTime> times, double?[] values, DateTime at)
    {
        for (var i = Math.Min(times.Count, values.Length) - 1; i >= 0; i--)
        {
            if (times[i] <= at && values[i] is { } v)
            {
                return v;
            }
        }

        return null;
    }
}
