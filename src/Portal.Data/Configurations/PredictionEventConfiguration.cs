using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

/// <summary>
/// Raw predictions. No foreign key (the writer's inserts stay cheap); (ModelId, PredictionId) is unique so a
/// repeat is detected as a duplicate; (ModelId, TimestampMs) serves windows and retention.
/// </summary>
public sealed class PredictionEventConfiguration : IEntityTypeConfiguration<PredictionEvent>
{
    public void Configure(EntityTypeBuilder<PredictionEvent> builder)
    {
        builder.ToTable("PredictionEvents");
        builder.HasIndex(p => new { p.ModelId, p.PredictionId }).IsUnique();
        builder.HasIndex(p => new { p.ModelId, p.TimestampMs });
        builder.Property(p => p.PredictionId).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
        builder.Property(p => p.ModelVersion).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(p => p.Segment).HasMaxLength(PredictionEvent.ShortTextMaxLength);
        builder.Property(p => p.ExperimentId).HasMaxLength(PredictionEvent.ShortTextMaxLength);
        builder.Property(p => p.Variant).HasMaxLength(PredictionEvent.ShortTextMaxLength);
        builder.Property(p => p.ExperimentUnit).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
        builder.Property(p => p.Prediction).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
        builder.Property(p => p.Error).HasMaxLength(PredictionEvent.ErrorMaxLength);
    }
}
