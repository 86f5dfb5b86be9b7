using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class PredictionRollupConfiguration : IEntityTypeConfiguration<PredictionRollup>
{
    public void Configure(EntityTypeBuilder<PredictionRollup> builder)
    {
        builder.ToTable("PredictionRollups");
        builder.HasKey(r => new { r.ModelId, r.Version, r.MinuteMs });
        // Dashboards read a model's time range across all versions; the key alone would scan every version's history.
        builder.HasIndex(r => new { r.ModelId, r.MinuteMs });
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
    }
}

public sealed class FeatureRollupConfiguration : IEntityTypeConfiguration<FeatureRollup>
{
    public void Configure(EntityTypeBuilder<FeatureRollup> builder)
    {
        builder.ToTable("FeatureRollups");
        builder.HasKey(r => new { r.ModelId, r.Feature, r.MinuteMs });
        builder.HasIndex(r => new { r.ModelId, r.MinuteMs });
        builder.Property(r => r.Feature).HasMaxLength(ModelFeature.NameMaxLength);
        builder.Property(r => r.Type).HasConversion<string>().HasMaxLength(16);
    }
}

public sealed class QualityRollupConfiguration : IEntityTypeConfiguration<QualityRollup>
{
    public void Configure(EntityTypeBuilder<QualityRollup> builder)
    {
        builder.ToTable("QualityRollups");
        builder.HasKey(r => new { r.ModelId, r.Version, r.MinuteMs });
        builder.HasIndex(r => new { r.ModelId, r.MinuteMs });
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
    }
}

public sealed class ResourceRollupConfiguration : IEntityTypeConfiguration<ResourceRollup>
{
    public void Configure(EntityTypeBuilder<ResourceRollup> builder)
    {
        builder.ToTable("ResourceRollups");
        builder.HasKey(r => new { r.Host, r.MinuteMs });
        builder.HasIndex(r => new { r.ModelId, r.MinuteMs });
        builder.Property(r => r.Host).HasMaxLength(ResourceSample.HostMaxLength);
    }
}
