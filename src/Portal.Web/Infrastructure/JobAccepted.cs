namespace Portal.Web.Infrastructure;

/// <summary>The 202 answer of a "run now" route: the model and the queued job's id.</summary>
public sealed record JobAccepted(string Model, string JobId);
