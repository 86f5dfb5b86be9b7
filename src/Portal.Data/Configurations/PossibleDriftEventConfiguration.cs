using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Streaming;

namespace Portal.Data.Configurations;

public sealed class PossibleDriftEventConfiguration : IEntityTypeConfiguration<PossibleDriftEvent>
{
    public void Configure(EntityTypeBuilder<PossibleDriftEvent> builder)
    {
        builder.ToTable("PossibleDriftEvents");
        builder.Property(e => e.Version).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(e => e.Detector).HasMaxLength(PossibleDriftEvent.DetectorMaxLength);
        builder.Property(e => e.Signal).HasMaxLength(PossibleDriftEvent.SignalMaxLength);
        builder.Property(e => e.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(e => e.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.ModelId, e.At });
    }
}
