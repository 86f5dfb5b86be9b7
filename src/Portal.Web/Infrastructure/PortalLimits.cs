namespace Portal.Web.Infrastructure;

/// <summary>Request limits (configuration section <c>Portal:Limits</c>).</summary>
public sealed class PortalLimits
{
    public const string Section = "Portal:Limits";

    /// <summary>Largest analysis request body (JSON or CSV upload), in bytes.</summary>
    public long AnalysisMaxBodyBytes { get; set; } = 64 * 1024 * 1024;
}
