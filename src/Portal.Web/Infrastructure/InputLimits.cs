namespace Portal.Web.Infrastructure;

/// <summary>
/// Bounds on request content that keep stored data usable (docs/security.md, "Input limits"). They are constants,
/// not settings: data accepted under a looser limit could break every reader later.
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// Largest magnitude of an ingested or analysed number (features, labels, predictions, scores, resource values).
    /// Rollups keep sums and sums of squares: (10^15)^2 × 10^12 rows is still far below double's 1.8 × 10^308, so a
    /// sum can never overflow to Infinity, and 10^15 is beyond any measured quantity a model sees.
    /// </summary>
    public const double MaxMagnitude = 1e15;

    /// <summary>Largest latencyMs of a prediction: one day. Anything longer is a clock or unit error.</summary>
    public const double MaxLatencyMs = 86_400_000;

    /// <summary>Features in one model's schema (PUT /api/v1/models/{model}); also the most features one prediction may carry.</summary>
    public const int MaxModelFeatures = 1_000;

    /// <summary>Categories listed for one categorical feature in PUT /api/v1/models/{model}.</summary>
    public const int MaxFeatureCategories = 10_000;

    /// <summary>Versions listed in one PUT /api/v1/models/{model}.</summary>
    public const int MaxVersionsPerPut = 1_000;

    /// <summary>Default and largest page of GET /api/v1/models.</summary>
    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 500;

    public static bool IsWithinMagnitude(double value) => Math.Abs(value) <= MaxMagnitude;
}
