namespace Portal.Data.Entities;

/// <summary>A resource sample of a serving host (optionally tied to one model).</summary>
public sealed class ResourceSample
{
    public const int HostMaxLength = 128;

    public long Id { get; set; }

    public required string Host { get; set; }

    public int? ModelId { get; set; }

    public long TimestampMs { get; set; }

    public double? CpuPercent { get; set; }

    public long? MemoryBytes { get; set; }

    public double? MemoryPercent { get; set; }

    public double? GpuPercent { get; set; }

    public long? GpuMemoryBytes { get; set; }

    public long ReceivedAtMs { get; set; }
}
