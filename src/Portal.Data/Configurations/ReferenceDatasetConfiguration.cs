using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ReferenceDatasetConfiguration : IEntityTypeConfiguration<ReferenceDataset>
{
    public void Configure(EntityTypeBuilder<ReferenceDataset> builder)
    {
        builder.ToTable("ReferenceDatasets");
        builder.HasIndex(d => new { d.ModelId, d.Version }).IsUnique();
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Format).HasMaxLength(8);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(d => d.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Columns).WithOne().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}
