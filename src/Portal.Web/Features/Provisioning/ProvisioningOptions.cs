namespace Portal.Web.Features.Provisioning;

/// <summary><c>Portal:Provisioning</c>: where the provisioning files are (docs/provisioning.md).</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Portal:Provisioning";

    /// <summary>A folder of *.yaml / *.yml files, applied at start-up and whenever one changes; empty: no provisioning.</summary>
    public string? Path { get; set; }

    /// <summary>How long the folder must be quiet after a change before it is applied (editors write in several steps).</summary>
    public int DebounceMs { get; set; } = 500;
}
