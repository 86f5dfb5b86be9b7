using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Streaming;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Streaming;

/// <summary>A possible-drift event as the REST API returns it (camelCase).</summary>
public sealed record PossibleDriftEventDto(
    long Id, string Model, string? Version, DateTime At, string Detector, string Signal, double Statistic, double Threshold,
    double? MeanBefore, double? MeanAfter, long ValuesSeen)
{
    public static PossibleDriftEventDto From(string model, PossibleDriftEvent e) =>
        new(e.Id, model, e.Version, e.At, e.Detector, e.Signal, e.Statistic, e.Threshold, e.MeanBefore, e.MeanAfter, e.ValuesSeen);
}

/// <summary>
/// <c>GET /api/v1/models/{model}/drift-events?since=…&amp;take=…</c>: the streaming detectors' possible-drift events, newest
/// first. Any signed-in user, an API key of the model or an admin key may read.
/// </summary>
public static class PossibleDriftEndpoints
{
    public const int DefaultTake = 100;
    public const int MaxTake = 1000;
    public static readonly TimeSpan DefaultSince = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapStreamingDrift(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/models/{model}/drift-events", ListAsync).RequireAuthorization().WithTags("Drift").WithModel();
        return endpoints;
    }

    private static async Task<Ok<List<PossibleDriftEventDto>>> ListAsync(string model, string? since, string? take, RouteModel route, PortalDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var from = ParseSince(since, time.GetUtcNow().UtcDateTime);
        var count = ParseTake(take);
        var events = await RecentAsync(db, route.Id, from, count, cancellationToken);
        return TypedResults.Ok(events.Select(e => PossibleDriftEventDto.From(model, e)).ToList());
    }

    /// <summary>Events of a model at or after <paramref name="since"/> (and at or before <paramref name="until"/>), newest first.</summary>
    public static Task<List<PossibleDriftEvent>> RecentAsync(PortalDbContext db, int modelId, DateTime since, int take, CancellationToken cancellationToken, DateTime? until = null) =>
        db.PossibleDriftEvents.AsNoTracking().Where(e => e.ModelId == modelId && e.At >= since && (until == null || e.At <= until))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    /// <summary>An ISO 8601 time (a zone or offset is converted to UTC; none means UTC); missing: 7 days ago.</summary>
    public static DateTime ParseSince(string? since, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(since))
        {
            return now - DefaultSince;
        }

        return DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : throw new AnalysisInputException("since", $"\"{since}\" is not an ISO 8601 time such as 2026-11-24T10:00:00Z.");
    }

    public static int ParseTake(string? take)
    {
        if (string.IsNullOrWhiteSpace(take))
        {
            return DefaultTake;
        }

        return int.TryParse(take, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxTake
            ? n
            : throw new AnalysisInputException("take", $"must be a whole number from 1 to {MaxTake}.");
    }
}
