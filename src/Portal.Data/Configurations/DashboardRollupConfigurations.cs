using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class PredictionHourRollupConfiguration : IEntityTypeConfiguration<PredictionHourRollup>
{
    public void Configure(EntityTypeBuilder<PredictionHourRollup> builder)
    {
        builder.ToTable("PredictionHourRollups");
        builder.HasKey(r => new { r.ModelId, r.Version, r.HourMs });
        builder.HasIndex(r => new { r.ModelId, r.HourMs });
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
    }
}

public sealed class QualityHourRollupConfiguration : IEntityTypeConfiguration<QualityHourRollup>
{
    public void Configure(EntityTypeBuilder<QualityHourRollup> builder)
    {
        builder.ToTable("QualityHourRollups");
        builder.HasKey(r => new { r.ModelId, r.Version, r.HourMs });
        builder.HasIndex(r => new { r.ModelId, r.HourMs });
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
    }
}

public sealed class ConfusionRollupConfiguration : IEntityTypeConfiguration<ConfusionRollup>
{
    public void Configure(EntityTypeBuilder<ConfusionRollup> builder)
    {
        builder.ToTable("ConfusionRollups");
        builder.HasKey(r => new { r.ModelId, r.Version, r.MinuteMs, r.TrueClass, r.PredictedClass });
        builder.HasIndex(r => new { r.ModelId, r.MinuteMs });
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(r => r.TrueClass).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
        builder.Property(r => r.PredictedClass).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
    }
}
