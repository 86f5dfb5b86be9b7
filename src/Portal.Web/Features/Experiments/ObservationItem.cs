namespace Portal.Web.Features.Experiments;

/// <summary>
/// An experiment observation, for the OpenAPI document: the endpoint reads items one by one and rejects bad ones alone
/// (<see cref="ObservationWriter.Validate"/>).
/// </summary>
public sealed record ObservationItem(string UnitId, string Variant, double Value, string? Metric, double? Covariate, DateTimeOffset? Timestamp);
