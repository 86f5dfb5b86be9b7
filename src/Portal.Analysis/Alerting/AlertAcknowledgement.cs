using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>Someone has seen a firing alert and is on it.</summary>
public sealed record Acknowledgement(string By, DateTimeOffset At, string? Comment = null);

/// <summary>Whether a firing alert is being handled.</summary>
public enum AcknowledgementStatus
{
    /// <summary>Not firing: there is nothing to acknowledge.</summary>
    NotFiring,

    /// <summary>Firing, and nobody has acknowledged this firing episode.</summary>
    Unacknowledged,

    /// <summary>Firing, and acknowledged during this firing episode.</summary>
    Acknowledged,
}

/// <summary>
/// Acknowledgements belong to one firing episode: when the alert resolves and fires again, it is a new incident and
/// must be acknowledged again, so an old acknowledgement cannot hide it.
/// </summary>
public static class AlertAcknowledgement
{
    /// <summary>Acknowledges a firing alert; anything else is rejected with a field-named error.</summary>
    public static Acknowledgement Acknowledge(AlertInstance alert, string by, DateTimeOffset at, string? comment = null)
    {
        if (string.IsNullOrWhiteSpace(by))
        {
            throw new AnalysisInputException("by", "must name who acknowledges");
        }

        if (alert.State != AlertState.Firing)
        {
            throw new AnalysisInputException("state", $"only a firing alert can be acknowledged; this one is {alert.State.ToString().ToLowerInvariant()}");
        }

        if (at < alert.FiredAt)
        {
            throw new AnalysisInputException("at", $"{at:O} is before the alert fired at {alert.FiredAt:O}");
        }

        return new Acknowledgement(by, at, comment);
    }

    /// <summary>The acknowledgement status of <paramref name="alert"/> given its latest acknowledgement (or null).</summary>
    public static AcknowledgementStatus Status(AlertInstance alert, Acknowledgement? acknowledgement)
    {
        if (alert.State != AlertState.Firing)
        {
            return AcknowledgementStatus.NotFiring;
        }

        return acknowledgement is not null && acknowledgement.At >= alert.FiredAt
            ? AcknowledgementStatus.Acknowledged
            : AcknowledgementStatus.Unacknowledged;
    }
}
