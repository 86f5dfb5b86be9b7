using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Drift;

namespace Portal.Data.Configurations;

public sealed class SavedDriftReportConfiguration : IEntityTypeConfiguration<SavedDriftReport>
{
    public void Configure(EntityTypeBuilder<SavedDriftReport> builder)
    {
        builder.ToTable("SavedDriftReports");
        builder.Property(r => r.Name).HasMaxLength(SavedDriftReport.NameMaxLength);
        builder.Property(r => r.Reference).HasMaxLength(SavedDriftReport.DatasetMaxLength);
        builder.Property(r => r.Current).HasMaxLength(SavedDriftReport.DatasetMaxLength);
        builder.Property(r => r.CreatedBy).HasMaxLength(256);
        builder.Property(r => r.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ModelId, r.CreatedAt });
    }
}
