using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;

namespace Portal.Data.Configurations;

public sealed class QualityResultConfiguration : IEntityTypeConfiguration<QualityResult>
{
    public void Configure(EntityTypeBuilder<QualityResult> builder)
    {
        builder.ToTable("QualityResults");
        builder.Property(r => r.Window).HasConversion(w => JobWindows.Name(w), s => JobWindows.Parse(s)).HasMaxLength(QualityResult.WindowMaxLength);
        builder.Property(r => r.Version).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(r => r.Segment).HasMaxLength(QualityResult.SegmentMaxLength);
        builder.Property(r => r.EstimationNote).HasMaxLength(QualityResult.EstimationNoteMaxLength);
        builder.Property(r => r.At).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowStart).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowEnd).HasConversion(UtcDateTime.Converter);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(r => r.JobRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ModelId, r.Window, r.Version, r.Segment, r.At });
        builder.HasIndex(r => r.JobRunId);
    }
}
