using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ResourceSampleConfiguration : IEntityTypeConfiguration<ResourceSample>
{
    public void Configure(EntityTypeBuilder<ResourceSample> builder)
    {
        builder.ToTable("ResourceSamples");
        builder.HasIndex(r => new { r.Host, r.TimestampMs });
        builder.HasIndex(r => r.TimestampMs);
        builder.Property(r => r.Host).HasMaxLength(ResourceSample.HostMaxLength);
    }
}
