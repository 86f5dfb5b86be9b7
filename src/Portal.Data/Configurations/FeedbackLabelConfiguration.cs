using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class FeedbackLabelConfiguration : IEntityTypeConfiguration<FeedbackLabel>
{
    public void Configure(EntityTypeBuilder<FeedbackLabel> builder)
    {
        builder.ToTable("FeedbackLabels");
        builder.HasIndex(f => new { f.ModelId, f.PredictionId }).IsUnique();
        builder.HasIndex(f => new { f.ModelId, f.TimestampMs });
        builder.Property(f => f.PredictionId).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
        builder.Property(f => f.Label).HasMaxLength(PredictionEvent.PredictionIdMaxLength);
    }
}
