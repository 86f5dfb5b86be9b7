using System.Diagnostics;

namespace Portal.Web.Infrastructure.Telemetry;

/// <summary>The portal's own spans (one per job run); the ASP.NET Core, HttpClient and EF Core spans come from their instrumentations.</summary>
public static class PortalTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> (and of the service unless <c>OTEL_SERVICE_NAME</c> says otherwise).</summary>
    public const string Name = "Portal";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Span tag: the job type (drift, quality, slo, ...).</summary>
    public const string JobTag = "portal.job.type";

    /// <summary>Span tag: the model a job run is about.</summary>
    public const string ModelTag = "portal.model.name";

    /// <summary>Span tag: the attempt number of a job run (1 on the first try, more on Hangfire's retries).</summary>
    public const string AttemptTag = "portal.job.attempt";

    /// <summary>Span tag: the job run's outcome as recorded in the job-run table.</summary>
    public const string OutcomeTag = "portal.job.outcome";
}
